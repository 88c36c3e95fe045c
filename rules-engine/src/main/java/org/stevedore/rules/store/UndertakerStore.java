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
import org.stevedore.catalog.replica.Tombstones;
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
 *   <li>a file with replicas stays for the reaper, which needs it to find and delete those replicas: its unlocked
 *       replicas get OBSOLETE tombstones, it loses its metadata but keeps its expiry, and a later cycle deletes it once
 *       the reaper took its replicas (files that only wait for the reaper are not picked meanwhile). A file with no
 *       replica left is deleted, with its finished transfers (through {@link TransferQueue#forgetFiles});</li>
 *   <li>the files of an expired dataset that are in no other collection lose their replicas the same way (the
 *       replicas no rule locks any more get OBSOLETE tombstones; a replica another rule still locks gets it when that
 *       rule's lock ends): an intermediate dataset leaves the disk with its lifetime, while a file another dataset
 *       holds, or a replica a later step still locks, stays as long as it is needed.</li>
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

    /** A replica {@link #MAKE_OBSOLETE} would change. */
    private static final String NOT_YET_OBSOLETE = """
            CASE WHEN coalesce(r.lock_cnt, 0) = 0 THEN r.tombstone IS NULL OR r.tombstone <> $obsolete
                 ELSE r.prelock_tombstone IS NULL OR r.prelock_tombstone <> $obsolete END""";
    /**
     * Makes a replica go: at once when no lock holds it; else when its last lock ends (the tombstone it returns to,
     * see {@code RuleStore.unlockedTombstone}), so that a step still reading it keeps it meanwhile.
     */
    private static final String MAKE_OBSOLETE = """
            SET r.tombstone = CASE WHEN coalesce(r.lock_cnt, 0) = 0 THEN $obsolete ELSE r.tombstone END,
                r.prelock_tombstone = CASE WHEN coalesce(r.lock_cnt, 0) = 0 THEN r.prelock_tombstone ELSE $obsolete END,
                r.updated_at = $now""";

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
                  AND NOT (coalesce(d.awaiting_reaper, false) AND EXISTS { MATCH (d)-[rep:REPLICA]->() }
                           AND NOT EXISTS { MATCH (d)-[rep:REPLICA]->()
                                            WHERE rep.tombstone IS NULL OR rep.tombstone <> 0 })
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

    /**
     * The rules on those of these DIDs that are still expired now, for the undertaker: a DID whose lifetime was
     * extended since it was listed keeps its rules, as {@link #bury} keeps the DID.
     */
    public List<RuleOn> rulesOnExpired(List<String> didKeys) {
        return store.read(tx -> tx.run("""
                UNWIND $keys AS k
                MATCH (d:Did {key: k}) WHERE d.expired_at <= $now
                MATCH (r:Rule {did_key: k})
                RETURN r.id AS id, k AS key ORDER BY key, id
                """, Map.of("keys", didKeys, "now", clock.millis()))
                .list(r -> new RuleOn(r.get("id").asString(), r.get("key").asString())));
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
            // Still expired now, not only when it was listed: a lifetime extended (or a DID made anew under the
            // same name) since then must not be buried on the strength of the old listing.
            String ready = """
                    d.expired_at <= $now
                    AND NOT EXISTS { MATCH (:Rule {did_key: d.key}) }
                    AND NOT EXISTS { MATCH (:Did)-[:CONTAINS]->(d) }
                    AND NOT EXISTS { MATCH (u:UpdatedDid) WHERE d.key IN u.children }
                    """;
            // What an expired DID held on disk is to go (Rucio's OBSOLETE): the replicas of the files of a dataset
            // about to go that are in no other collection, and those of an expired file. A replica another rule still
            // locks stays until that rule ends.
            int tombstoned = tx.run("""
                    UNWIND $keys AS k
                    MATCH (d:Did {key: k})
                    WHERE %s AND d.did_type = 'DATASET'
                    MATCH (d)-[:CONTAINS]->(f:Did {did_type: 'FILE'})
                    WHERE NOT EXISTS { MATCH (p:Did)-[:CONTAINS]->(f) WHERE p <> d }
                    MATCH (f)-[r:REPLICA]->()
                    WHERE %s
                    %s
                    RETURN count(r) AS n
                    """.formatted(ready, NOT_YET_OBSOLETE, MAKE_OBSOLETE), obsoleteParams(didKeys, now))
                    .single().get("n").asInt();
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
            // A file with replicas keeps its expiry: once the reaper took them, a later cycle deletes it. Only files
            // whose replicas got their tombstone now count, so files that wait for the reaper do not make work.
            int kept = tx.run("""
                    UNWIND $keys AS k
                    MATCH (d:Did {key: k})
                    WHERE %s AND d.did_type = 'FILE'
                    REMOVE d.meta
                    SET d.awaiting_reaper = true
                    WITH d
                    OPTIONAL MATCH (d)-[r:REPLICA]->()
                    WHERE %s
                    %s
                    WITH d, count(r) AS n WHERE n > 0
                    SET d.updated_at = $now
                    RETURN count(d) AS n
                    """.formatted(ready, NOT_YET_OBSOLETE, MAKE_OBSOLETE), obsoleteParams(didKeys, now))
                    .single().get("n").asInt();
            int deferred = didKeys.size() - collections - files - kept;
            return new Burial(detached, collections, files, kept + tombstoned, deferred);
        });
    }

    private static Map<String, Object> obsoleteParams(List<String> didKeys, long now) {
        return Map.of("keys", didKeys, "now", now, "obsolete", Tombstones.OBSOLETE);
    }

    /** Removes the links from every parent to these DIDs, fixes the parents' counters and queues DETACH changes. */
    private int detachFromParents(TransactionContext tx, List<String> didKeys, long now) {
        List<Map<String, Object>> changes = tx.run("""
                UNWIND $keys AS k
                MATCH (p:Did)-[rel:CONTAINS]->(c:Did {key: k})
                WHERE c.expired_at <= $now
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
