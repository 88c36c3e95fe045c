package org.stevedore.rules.store;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.neo4j.driver.TransactionContext;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.did.Did;
import org.stevedore.catalog.did.DidType;
import org.stevedore.catalog.did.UpdatedDidQueue;
import org.stevedore.catalog.store.Store;

/**
 * The undertaker's side of the catalog: DIDs whose {@code expired_at} has passed, and their burial.
 *
 * <p>Burial follows Rucio's undertaker. The rules on an expired DID are removed first, through the rules engine
 * (that is the caller's part: locks go, replicas left without locks get tombstones for the reaper). Then, here, in one
 * transaction per batch: the DIDs are detached from their parents (queued as DETACH changes, so the rules of those
 * parents drop the locks they held through them), and the DIDs that are ready go:
 * <ul>
 *   <li>a dataset or container is deleted with its content links; the files and collections it contained stay
 *       (they may be in other collections, and their replicas are the reaper's business);</li>
 *   <li>a file with replicas stays for the reaper, which needs it to find and delete those replicas; it loses its
 *       expiry and metadata. A file with no replica left is deleted, with its finished transfers (through
 *       {@link TransferQueue#forgetFiles}).</li>
 * </ul>
 * A DID is ready when no rule is left on it, no parent contains it and no queued re-evaluation still names it as a
 * detached child (the re-evaluator needs it, and a collection's content, to find the locks to drop). A DID that is
 * not ready stays expired and is looked at again in a later cycle. DIDs with a locked rule are never picked, as in
 * Rucio.
 *
 * <p>Partitioning: DIDs carry no hash bucket from creation; an expired DID gets its {@code hash_bucket} when first
 * seen by an undertaker, so only DIDs that expire pay for it.
 */
public final class UndertakerStore {

    /** An expired DID picked for burial. */
    public record Expired(String key, String scope, String name, DidType type) {
    }

    /** A rule that sits on an expired DID. */
    public record RuleOn(String ruleId, String didKey) {
    }

    /**
     * What one burial did: links to parents removed (and the parents queued for re-evaluation), collections and
     * files deleted, files kept for the reaper (expiry cleared), and DIDs deferred to a later cycle.
     */
    public record Burial(int detached, int collectionsDeleted, int filesDeleted, int filesKept, int deferred) {

        /** Whether anything changed in the store. */
        public boolean changedAnything() {
            return detached + collectionsDeleted + filesDeleted + filesKept > 0;
        }
    }

    private final Store store;
    private final UpdatedDidQueue updatedDids;
    private final Clock clock;
    private final TransferQueue transfers;

    public UndertakerStore(Store store, UpdatedDidQueue updatedDids, Clock clock, TransferQueue transfers) {
        this.store = store;
        this.updatedDids = updatedDids;
        this.clock = clock;
        this.transfers = transfers;
    }

    /**
     * Expired DIDs of one partition, the longest expired first, up to {@code limit}; DIDs with a locked rule are
     * left out.
     */
    public List<Expired> expired(Partition partition, int limit) {
        long now = clock.millis();
        assignBuckets(now);
        Map<String, Object> params = new HashMap<>(partition.cypherParams());
        params.put("now", now);
        params.put("limit", limit);
        return store.read(tx -> tx.run("""
                MATCH (d:Did) WHERE d.expired_at <= $now AND %s
                  AND NOT EXISTS { MATCH (r:Rule {did_key: d.key}) WHERE r.locked = true }
                RETURN d.key AS key, d.scope AS scope, d.name AS name, d.did_type AS type
                ORDER BY d.expired_at, d.key LIMIT $limit
                """.formatted(partition.cypherFilter("d")), params).list(r -> new Expired(r.get("key").asString(),
                r.get("scope").asString(), r.get("name").asString(), DidType.valueOf(r.get("type").asString()))));
    }

    /** Gives expired DIDs without a hash bucket theirs, a store batch at a time. */
    private void assignBuckets(long now) {
        List<String> keys = store.read(tx -> tx.run("""
                MATCH (d:Did) WHERE d.expired_at <= $now AND d.hash_bucket IS NULL
                RETURN d.key AS key LIMIT $limit
                """, Map.of("now", now, "limit", store.batchSize())).list(r -> r.get("key").asString()));
        if (keys.isEmpty()) {
            return;
        }
        List<Map<String, Object>> rows = new ArrayList<>(keys.size());
        keys.forEach(k -> rows.add(Map.of("key", k, "bucket", Partition.bucket(k))));
        store.write(tx -> tx.run("""
                UNWIND $rows AS row
                MATCH (d:Did {key: row.key})
                SET d.hash_bucket = row.bucket
                """, Map.of("rows", rows)).consume());
    }

    /** The rules on these DIDs (not on their content or parents). */
    public List<RuleOn> rulesOn(List<String> didKeys) {
        return store.read(tx -> tx.run("""
                UNWIND $keys AS k
                MATCH (r:Rule {did_key: k})
                RETURN r.id AS id, k AS key ORDER BY key, id
                """, Map.of("keys", didKeys)).list(r -> new RuleOn(r.get("id").asString(), r.get("key").asString())));
    }

    /** Detaches the DIDs from their parents and removes those that are ready (see the class comment). */
    public Burial bury(List<String> didKeys) {
        if (didKeys.isEmpty()) {
            return new Burial(0, 0, 0, 0, 0);
        }
        long now = clock.millis();
        return store.write(tx -> {
            int detached = detachFromParents(tx, didKeys, now);
            Map<String, Object> params = Map.of("keys", didKeys, "now", now);
            String ready = """
                    NOT EXISTS { MATCH (:Rule {did_key: d.key}) }
                    AND NOT EXISTS { MATCH (:Did)-[:CONTAINS]->(d) }
                    AND NOT EXISTS { MATCH (u:UpdatedDid) WHERE d.key IN u.children }
                    """;
            int collections = 0;
            int files = 0;
            List<String> deletedFiles = new ArrayList<>();
            for (var r : tx.run("""
                    UNWIND $keys AS k
                    MATCH (d:Did {key: k})
                    WHERE %s AND (d.did_type <> 'FILE' OR NOT EXISTS { (d)-[:REPLICA]->() })
                    WITH d, d.did_type AS type, d.key AS key
                    DETACH DELETE d
                    RETURN type, count(*) AS n, collect(key) AS keys
                    """.formatted(ready), params).list()) {
                if ("FILE".equals(r.get("type").asString())) {
                    files += r.get("n").asInt();
                    deletedFiles.addAll(r.get("keys").asList(v -> v.asString()));
                } else {
                    collections += r.get("n").asInt();
                }
            }
            // A deleted file's transfers go with it, in the same transaction: one call for the batch.
            transfers.forgetFiles(tx, deletedFiles);
            int kept = tx.run("""
                    UNWIND $keys AS k
                    MATCH (d:Did {key: k})
                    WHERE %s AND d.did_type = 'FILE'
                    REMOVE d.expired_at, d.meta, d.hash_bucket
                    SET d.updated_at = $now
                    RETURN count(d) AS n
                    """.formatted(ready), params).single().get("n").asInt();
            int deferred = didKeys.size() - collections - files - kept;
            return new Burial(detached, collections, files, kept, deferred);
        });
    }

    /** Removes the links from every parent to these DIDs, fixes the parents' counters and queues DETACH changes. */
    private int detachFromParents(TransactionContext tx, List<String> didKeys, long now) {
        List<Map<String, Object>> changes = tx.run("""
                UNWIND $keys AS k
                MATCH (p:Did)-[rel:CONTAINS]->(c:Did {key: k})
                WITH p, collect(rel) AS links, collect(c.key) AS children, sum(coalesce(c.bytes, 0)) AS bytes
                FOREACH (link IN links | DELETE link)
                SET p.length = coalesce(p.length, 0) - size(children), p.bytes = coalesce(p.bytes, 0) - bytes,
                    p.updated_at = $now
                RETURN p.key AS key, p.scope AS scope, p.name AS name, children
                """, Map.of("keys", didKeys, "now", now)).list(r -> Map.<String, Object>of("key", r.get("key").asString(),
                "scope", r.get("scope").asString(), "name", r.get("name").asString(),
                "children", r.get("children").asList(v -> v.asString())));
        updatedDids.pushAll(tx, UpdatedDidQueue.Action.DETACH, changes, now);
        return changes.stream().mapToInt(c -> ((List<?>) c.get("children")).size()).sum();
    }
}
