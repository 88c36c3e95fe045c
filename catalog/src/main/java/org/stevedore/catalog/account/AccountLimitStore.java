package org.stevedore.catalog.account;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.stevedore.catalog.error.AccountNotFound;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.error.KeyNotFound;
import org.stevedore.catalog.error.RSENotFound;
import org.stevedore.catalog.store.Store;

/**
 * Quotas: how many bytes an account's rules may lock on an RSE ({@code (:Account)-[:LIMIT {bytes}]->(:Rse)}), and
 * what they lock now ({@code (:Account)-[:USAGE {bytes, files}]->(:Rse)}, kept by the rule store with every lock
 * written or removed). An RSE without a limit for the account does not restrict it.
 */
public final class AccountLimitStore {

    /** What an account's locks hold on one RSE. */
    public record Usage(String rseId, String rse, long bytes, long files, Long limit) {
    }

    private final Store store;

    public AccountLimitStore(Store store) {
        this.store = store;
    }

    public void set(String account, String rse, long bytes) {
        if (bytes < 0) {
            throw new InvalidObject("A limit must not be negative: " + bytes);
        }
        store.write(tx -> {
            requireBoth(tx, account, rse);
            tx.run("""
                    MATCH (a:Account {account: $account}), (r:Rse {rse: $rse})
                    MERGE (a)-[l:LIMIT]->(r) SET l.bytes = $bytes
                    """, Map.of("account", account, "rse", rse, "bytes", bytes)).consume();
            return null;
        });
    }

    public void delete(String account, String rse) {
        long n = store.write(tx -> {
            requireBoth(tx, account, rse);
            return tx.run("MATCH (:Account {account: $account})-[l:LIMIT]->(:Rse {rse: $rse}) DELETE l RETURN count(l) AS n",
                    Map.of("account", account, "rse", rse)).single().get("n").asLong();
        });
        if (n == 0) {
            throw new KeyNotFound("Account '" + account + "' has no limit on RSE '" + rse + "'");
        }
    }

    private static void requireBoth(org.neo4j.driver.TransactionContext tx, String account, String rse) {
        var r = tx.run("""
                OPTIONAL MATCH (a:Account {account: $account}) WHERE a.status <> 'DELETED'
                OPTIONAL MATCH (r:Rse {rse: $rse})
                RETURN a IS NOT NULL AS account, r IS NOT NULL AS rse
                """, Map.of("account", account == null ? "" : account, "rse", rse == null ? "" : rse)).single();
        if (!r.get("account").asBoolean()) {
            throw new AccountNotFound("Account '" + account + "' does not exist");
        }
        if (!r.get("rse").asBoolean()) {
            throw new RSENotFound("RSE '" + rse + "' does not exist");
        }
    }

    /** Limits of an account by RSE name. */
    public Map<String, Long> limits(String account) {
        Map<String, Long> limits = new LinkedHashMap<>();
        store.read(tx -> tx.run("MATCH (:Account {account: $account})-[l:LIMIT]->(r:Rse) RETURN r.rse AS rse, l.bytes AS bytes ORDER BY rse",
                Map.of("account", account)).list()).forEach(r -> limits.put(r.get("rse").asString(), r.get("bytes").asLong()));
        return limits;
    }

    /** Usage and limit of an account on the given RSEs (by id); RSEs with neither are absent. */
    public Map<String, Usage> usage(String account, Collection<String> rseIds) {
        Map<String, Usage> out = new HashMap<>();
        store.read(tx -> tx.run("""
                MATCH (a:Account {account: $account})
                UNWIND $ids AS id
                MATCH (r:Rse {id: id})
                OPTIONAL MATCH (a)-[u:USAGE]->(r)
                OPTIONAL MATCH (a)-[l:LIMIT]->(r)
                WITH r, u, l WHERE u IS NOT NULL OR l IS NOT NULL
                RETURN r.id AS id, r.rse AS rse, coalesce(u.bytes, 0) AS bytes, coalesce(u.files, 0) AS files, l.bytes AS limit
                """, Map.of("account", account, "ids", List.copyOf(rseIds))).list()).forEach(r -> out.put(
                r.get("id").asString(), new Usage(r.get("id").asString(), r.get("rse").asString(), r.get("bytes").asLong(),
                        r.get("files").asLong(), r.get("limit").isNull() ? null : r.get("limit").asLong())));
        return out;
    }

    /** Usage of an account on every RSE where it has usage or a limit, sorted by RSE name. */
    public List<Usage> usage(String account) {
        return store.read(tx -> tx.run("""
                MATCH (a:Account {account: $account})-[:USAGE|LIMIT]->(r:Rse)
                WITH DISTINCT a, r
                OPTIONAL MATCH (a)-[u:USAGE]->(r)
                OPTIONAL MATCH (a)-[l:LIMIT]->(r)
                RETURN r.id AS id, r.rse AS rse, coalesce(u.bytes, 0) AS bytes, coalesce(u.files, 0) AS files, l.bytes AS limit
                ORDER BY rse
                """, Map.of("account", account)).list(r -> new Usage(r.get("id").asString(), r.get("rse").asString(),
                r.get("bytes").asLong(), r.get("files").asLong(), r.get("limit").isNull() ? null : r.get("limit").asLong())));
    }
}
