package org.stevedore.catalog.account;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.neo4j.driver.Record;
import org.neo4j.driver.exceptions.ClientException;
import org.neo4j.driver.types.Node;
import org.stevedore.catalog.error.Duplicate;
import org.stevedore.catalog.store.Constraints;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Times;
import org.stevedore.catalog.store.Values;

/**
 * Session tokens, stored by hash only: {@code (:Token {hash, account, identity, expires_at, created_at})},
 * timestamps in epoch milliseconds; {@code hash} is unique and {@code expires_at} indexed (schema migration 1).
 */
public final class TokenStore {

    private final Store store;
    private final Clock clock;

    public TokenStore(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public Token create(TokenHash hash, String account, String identity, Instant expiresAt) {
        Token token = new Token(hash, account, identity, Instant.ofEpochMilli(expiresAt.toEpochMilli()),
                Instant.ofEpochMilli(clock.millis()));
        try {
            store.write(tx -> tx.run("""
                    CREATE (:Token {hash: $hash, account: $account, identity: $identity,
                                    expires_at: $expiresAt, created_at: $createdAt})""",
                    Map.of("hash", hash.hex(), "account", account, "identity", identity,
                            "expiresAt", token.expiresAt().toEpochMilli(),
                            "createdAt", token.createdAt().toEpochMilli())).consume());
        } catch (ClientException e) {
            if (Constraints.isUniquenessViolation(e)) {
                throw new Duplicate("A token with this hash already exists");
            }
            throw e;
        }
        return token;
    }

    /**
     * The token when it exists, has not expired, and its account is still ACTIVE: suspending or deleting an
     * account ends its sessions without having to find them.
     */
    public Optional<Token> findValid(TokenHash hash) {
        return store.read(tx -> tx.run("""
                MATCH (t:Token {hash: $hash}) WHERE t.expires_at > $now
                MATCH (a:Account {account: t.account}) WHERE a.status = 'ACTIVE'
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
        return new Token(new TokenHash(t.get("hash").asString()), t.get("account").asString(),
                Values.str(t.get("identity")), Times.instant(t.get("expires_at")),
                Times.instant(t.get("created_at")));
    }
}
