package org.stevedore.catalog.account;

import org.stevedore.catalog.error.IdentityNotFound;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.neo4j.driver.Record;
import org.stevedore.catalog.error.AccountNotFound;
import org.stevedore.catalog.error.Duplicate;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Values;

/**
 * Identities and their mappings to accounts.
 *
 * <p>Nodes: {@code (:Identity {key: 'TYPE|identity', identity, identity_type, email, password_hash, created_at})
 * -[:MAPS_TO {is_default, created_at}]->(:Account)}. The credentials (password hash) belong to the identity
 * node, shared by all its mappings; {@code is_default} belongs to the mapping, and at most one mapping of an
 * identity is the default.
 */
public final class IdentityStore {

    static final int MAX_IDENTITY = 2_048;

    private final Store store;
    private final Clock clock;

    public IdentityStore(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * Maps an identity to an existing account, creating the identity when it is new. When the identity already
     * exists its email and password hash are kept (changing credentials is not a side effect of mapping); the
     * caller decides whether a password given for an existing identity is acceptable.
     *
     * @throws AccountNotFound when the account does not exist or was deleted
     * @throws Duplicate       when this identity is already mapped to this account
     */
    public Identity add(Identity mapping) {
        String identity = checkIdentity(mapping.identity());
        String email = Emails.check(mapping.email());
        if (mapping.passwordHash() != null && mapping.type() != IdentityType.USERPASS) {
            throw new InvalidObject("Invalid identity '" + mapping.key() + "': only USERPASS identities have a password");
        }
        Map<String, Object> params = new HashMap<>();
        params.put("account", mapping.account());
        params.put("key", mapping.key());
        params.put("identity", identity);
        params.put("type", mapping.type().name());
        params.put("email", email);
        params.put("hash", mapping.passwordHash());
        params.put("isDefault", mapping.isDefault());
        params.put("now", clock.millis());
        return store.write(tx -> {
            boolean accountExists = tx.run(
                    "MATCH (a:Account {account: $account}) WHERE a.status <> 'DELETED' RETURN a.account", params)
                    .hasNext();
            if (!accountExists) {
                throw AccountStore.notFound(mapping.account());
            }
            // MERGE on the uniquely constrained key locks it, so concurrent adds of one identity serialize here.
            boolean mapped = tx.run("""
                    MERGE (i:Identity {key: $key})
                      ON CREATE SET i.identity = $identity, i.identity_type = $type, i.email = $email,
                                    i.password_hash = $hash, i.created_at = $now
                    WITH i
                    MATCH (i)-[:MAPS_TO]->(:Account {account: $account})
                    RETURN true""", params).hasNext();
            if (mapped) {
                throw new Duplicate("Identity '" + mapping.key() + "' is already mapped to account '"
                        + mapping.account() + "'");
            }
            if (mapping.isDefault()) {
                tx.run("MATCH (:Identity {key: $key})-[m:MAPS_TO {is_default: true}]->() SET m.is_default = false",
                        params).consume();
            }
            return tx.run("""
                    MATCH (i:Identity {key: $key}), (a:Account {account: $account})
                    CREATE (i)-[m:MAPS_TO {is_default: $isDefault, created_at: $now}]->(a)
                    RETURN i, m, a.account AS account""", params).list(IdentityStore::toIdentity).get(0);
        });
    }

    /** The identities mapped to an account, by type then identity. */
    public List<Identity> listForAccount(String account) {
        return store.read(tx -> {
            if (!tx.run("MATCH (a:Account {account: $account}) RETURN a.account", Map.of("account", account)).hasNext()) {
                throw AccountStore.notFound(account);
            }
            return tx.run("""
                    MATCH (i:Identity)-[m:MAPS_TO]->(a:Account {account: $account})
                    RETURN i, m, a.account AS account ORDER BY i.identity_type, i.identity""",
                    Map.of("account", account)).list(IdentityStore::toIdentity);
        });
    }

    /**
     * Every account an identity maps to (whatever the accounts' status), default first; empty when the identity
     * is unknown. Each mapping carries the identity's password hash, which is what authentication needs.
     */
    public List<Identity> mappings(String identity, IdentityType type) {
        if (identity == null || identity.isEmpty()) {
            return List.of();
        }
        return store.read(tx -> tx.run("""
                MATCH (i:Identity {key: $key})-[m:MAPS_TO]->(a:Account)
                RETURN i, m, a.account AS account ORDER BY m.is_default DESC, a.account""",
                Map.of("key", Identity.key(type, identity))).list(IdentityStore::toIdentity));
    }

    /** The names of the accounts an identity maps to. */
    public List<String> accounts(String identity, IdentityType type) {
        return mappings(identity, type).stream().map(Identity::account).toList();
    }

    /** Makes {@code account} the identity's default account (and no other). */
    public void setDefault(String identity, IdentityType type, String account) {
        String key = Identity.key(type, identity);
        store.write(tx -> {
            boolean found = tx.run("""
                    MATCH (i:Identity {key: $key})-[m:MAPS_TO]->(a:Account)
                    SET m.is_default = (a.account = $account)
                    RETURN sum(CASE WHEN a.account = $account THEN 1 ELSE 0 END) AS hits""",
                    Map.of("key", key, "account", account)).single().get("hits").asLong() > 0;
            if (!found) {
                throw mappingNotFound(key, account);
            }
            return null;
        });
    }

    /**
     * Removes the mapping of an identity to an account; the identity itself goes with its last mapping, so that a
     * stale password cannot come back with a later mapping.
     */
    public void delete(String identity, IdentityType type, String account) {
        String key = Identity.key(type, identity);
        store.write(tx -> {
            boolean removed = tx.run("""
                    MATCH (i:Identity {key: $key})-[m:MAPS_TO]->(:Account {account: $account})
                    DELETE m
                    WITH DISTINCT i
                    OPTIONAL MATCH (i)-[other:MAPS_TO]->()
                    WITH i, count(other) AS left
                    FOREACH (_ IN CASE WHEN left = 0 THEN [1] ELSE [] END | DELETE i)
                    RETURN true""", Map.of("key", key, "account", account)).hasNext();
            if (!removed) {
                throw mappingNotFound(key, account);
            }
            return null;
        });
    }

    private static IdentityNotFound mappingNotFound(String key, String account) {
        return new IdentityNotFound("Identity '" + key + "' is not mapped to account '" + account + "'");
    }

    private static String checkIdentity(String identity) {
        if (identity == null || identity.isBlank()) {
            throw new InvalidObject("Invalid identity: it is missing or empty");
        }
        if (identity.length() > MAX_IDENTITY) {
            throw new InvalidObject("Invalid identity: " + identity.length() + " characters, at most " + MAX_IDENTITY);
        }
        if (identity.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidObject("Invalid identity '" + identity.replaceAll("\\p{Cntrl}", "?")
                    + "': control characters are not allowed");
        }
        return identity;
    }

    private static Identity toIdentity(Record record) {
        var i = record.get("i").asNode();
        var m = record.get("m").asRelationship();
        return new Identity(
                i.get("identity").asString(),
                IdentityType.valueOf(i.get("identity_type").asString()),
                record.get("account").asString(),
                Values.str(i.get("email")),
                Values.str(i.get("password_hash")),
                m.get("is_default").asBoolean(false));
    }
}
