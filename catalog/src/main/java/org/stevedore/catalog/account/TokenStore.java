package org.stevedore.catalog.account;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.neo4j.driver.Record;
import org.neo4j.driver.Value;
import org.neo4j.driver.exceptions.ClientException;
import org.neo4j.driver.types.Node;
import org.stevedore.catalog.error.Duplicate;
import org.stevedore.catalog.store.Constraints;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Times;
import org.stevedore.catalog.store.Values;

/**
 * Session tokens, stored by hash only: {@code (:Token {hash, account, identity, identity_key, expires_at, created_at,
 * vos, fqans, roles_until})}, timestamps in epoch milliseconds; {@code hash} is unique and {@code expires_at} indexed
 * (schema migration 1). The VOMS roles of a session travel with its token ({@link TokenRoles}).
 */
public final class TokenStore {

    private final Store store;
    private final Clock clock;

    public TokenStore(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** A token with no identity mapping to check and no roles (tools and tests). */
    public Token create(TokenHash hash, String account, String identity, Instant expiresAt) {
        return create(hash, account, null, identity, expiresAt, TokenRoles.none());
    }

    /**
     * A token of a session opened by {@code identity} of {@code type} (null: none to check), valid while that
     * identity stays mapped to the account, carrying the VOMS {@code roles} proven at login.
     */
    public Token create(TokenHash hash, String account, IdentityType type, String identity, Instant expiresAt,
                        TokenRoles roles) {
        Token token = new Token(hash, account, identity, Instant.ofEpochMilli(expiresAt.toEpochMilli()),
                Instant.ofEpochMilli(clock.millis()), roles);
        Map<String, Object> props = new HashMap<>();
        props.put("hash", hash.hex());
        props.put("account", account);
        props.put("identity", identity);
        props.put("expires_at", token.expiresAt().toEpochMilli());
        props.put("created_at", token.createdAt().toEpochMilli());
        if (type != null) {
            props.put("identity_key", Identity.key(type, identity));
        }
        if (!token.roles().isEmpty()) {
            props.put("vos", List.copyOf(token.roles().vos()));
            props.put("fqans", token.roles().fqans());
            props.put("roles_until", token.roles().until().toEpochMilli());
        }
        try {
            store.write(tx -> tx.run("CREATE (t:Token) SET t = $props", Map.of("props", props)).consume());
        } catch (ClientException e) {
            if (Constraints.isUniquenessViolation(e)) {
                throw new Duplicate("A token with this hash already exists");
            }
            throw e;
        }
        return token;
    }

    /**
     * The token when it exists, has not expired, its account is still ACTIVE and the identity that opened the
     * session is still mapped to it: suspending or deleting an account, or removing the identity from it, ends its
     * sessions without having to find them. One indexed read, made on every request.
     */
    public Optional<Token> findValid(TokenHash hash) {
        return store.read(tx -> tx.run("""
                MATCH (t:Token {hash: $hash}) WHERE t.expires_at > $now
                MATCH (a:Account {account: t.account}) WHERE a.status = 'ACTIVE'
                  AND (t.identity_key IS NULL OR EXISTS { (:Identity {key: t.identity_key})-[:MAPS_TO]->(a) })
                RETURN t""", Map.of("hash", hash.hex(), "now", clock.millis()))
                .list(TokenStore::toToken)).stream().findFirst();
    }

    /** Removes one token (a logout); false when there was none. */
    public boolean delete(TokenHash hash) {
        return store.write(tx -> tx.run("MATCH (t:Token {hash: $hash}) DELETE t RETURN count(*) AS n",
                Map.of("hash", hash.hex())).single().get("n").asLong() > 0);
    }

    /**
     * Removes tokens expired by now, {@code batchSize} per transaction so that a large backlog never needs one
     * huge transaction; returns how many went.
     */
    public long deleteExpired(int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be positive, was " + batchSize);
        }
        long now = clock.millis();
        long total = 0;
        long deleted;
        do {
            deleted = store.write(tx -> tx.run("""
                    MATCH (t:Token) WHERE t.expires_at <= $now
                    WITH t LIMIT $batch
                    DELETE t
                    RETURN count(*) AS n""", Map.of("now", now, "batch", batchSize)).single().get("n").asLong());
            total += deleted;
        } while (deleted == batchSize);
        return total;
    }

    public long deleteExpired() {
        return deleteExpired(store.batchSize());
    }

    private static Token toToken(Record record) {
        Node t = record.get("t").asNode();
        TokenRoles roles = t.get("roles_until").isNull() ? TokenRoles.none()
                : new TokenRoles(Set.copyOf(t.get("vos").asList(Value::asString)),
                        t.get("fqans").asList(Value::asString), Times.instant(t.get("roles_until")));
        return new Token(new TokenHash(t.get("hash").asString()), t.get("account").asString(),
                Values.str(t.get("identity")), Times.instant(t.get("expires_at")),
                Times.instant(t.get("created_at")), roles);
    }
}
