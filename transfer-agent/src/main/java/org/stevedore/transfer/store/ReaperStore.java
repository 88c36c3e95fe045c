package org.stevedore.transfer.store;

import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.neo4j.driver.Record;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.outbox.Events;
import org.stevedore.catalog.replica.Tombstones;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Values;

/**
 * What the reaper may delete, and the bookkeeping of deletions. A candidate is a replica with a tombstone that has
 * passed, no lock, and a file with no live transfer request anywhere (it may be a request's source, or its last good
 * copy). Candidates are claimed as BEING_DELETED; the catalog row goes only after the storage confirmed.
 *
 * <p>Two claims, one per kind of tombstone ({@link Tombstones}): {@link #claimObsolete} takes replicas whose tombstone
 * is the epoch (and those left BEING_DELETED by a failed attempt), whatever the free space; {@link #claimLru} takes
 * replicas with a later tombstone, least recently accessed first, only as many bytes as asked. The RSE's
 * {@code storage} usage moves with every confirmed deletion ({@link #deleted}), so a figure reported once is not
 * read again as if nothing had been freed.
 *
 * <p>A physical path is deleted only when no other replica claims it: the claim's transaction looks for another
 * replica at the same path of the RSE, and a candidate that has one loses its catalog row in that same transaction
 * and is handed back {@link Victim#shared shared}, for the reaper to leave the file alone. The store's uniqueness of
 * (RSE, path) means such a pair should never exist; the check is what keeps another tenant's file safe if one does
 * (a store written before the constraint, a writer that bypassed it). A claimed candidate keeps its path until its
 * row goes, so nothing can claim the path between the check and the storage's deletion.
 */
public final class ReaperStore {

    /** Outbox type of a slice of replicas the storage confirmed deleted; payload {@code {"deletions": [...]}}. */
    public static final String DELETIONS_DONE = "DELETIONS_DONE";
    private static final int DELETION_SLICE = 500;

    /**
     * A replica to delete.
     *
     * @param shared another replica claims the same path on the RSE: this one's row is already gone, and its file
     *               must not be deleted
     */
    public record Victim(String fileKey, String rseId, String rse, String path, long bytes, long tombstone,
                         boolean shared) {
    }

    /** What deciding how much to delete on an RSE needs. */
    public record Space(String rseId, String rse, Long minFreeSpace, Long free, boolean greedy) {

        /**
         * Bytes to free by LRU deletion: -1 for all that is eligible (greedy), 0 for none (no limit, no figure, or
         * enough free space), else what brings the free space back to MinFreeSpace.
         */
        public long needed() {
            if (greedy) {
                return -1;
            }
            if (minFreeSpace == null || free == null || free >= minFreeSpace) {
                return 0;
            }
            return minFreeSpace - free;
        }
    }

    private static final String SPACE = """
            OPTIONAL MATCH (r)-[:HAS_USAGE]->(u:RseUsage {source: 'storage'})
            RETURN r.id AS id, r.rse AS rse, r.`limit:MinFreeSpace` AS min_free, u.free AS free,
                   toLower(toString(coalesce(r.`attr:greedyDeletion`, false))) = 'true' AS greedy
            """;

    private final Store store;
    private final Clock clock;

    public ReaperStore(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Every RSE with its MinFreeSpace limit, the storage's reported free space and the greedy flag. */
    public List<Space> spaces() {
        return store.read(tx -> tx.run("MATCH (r:Rse)\n" + SPACE + "ORDER BY rse").list(ReaperStore::space));
    }

    /** One RSE's figures as they are now (after a measurement or deletions), or null when it is gone. */
    public Space space(String rseId) {
        return store.read(tx -> tx.run("MATCH (r:Rse {id: $id})\n" + SPACE, Map.of("id", rseId)).list(ReaperStore::space))
                .stream().findFirst().orElse(null);
    }

    private static Space space(Record r) {
        return new Space(r.get("id").asString(), r.get("rse").asString(), Values.lng(r.get("min_free")),
                Values.lng(r.get("free")), r.get("greedy").asBoolean());
    }

    /**
     * Records the RSE's used and free space as the reaper measured them on the storage itself, as its {@code storage}
     * usage (the figure {@link #spaces} reads).
     */
    public void measured(String rseId, long used, long free) {
        store.write(tx -> tx.run("""
                MATCH (r:Rse {id: $id})
                MERGE (r)-[:HAS_USAGE]->(u:RseUsage {source: 'storage'})
                SET u.used = $used, u.free = $free, u.total = $used + $free, u.updated_at = $now
                """, Map.of("id", rseId, "used", used, "free", free, "now", clock.millis())).consume());
    }

    /**
     * Claims up to {@code limit} candidates whose tombstone says OBSOLETE, replicas left BEING_DELETED by an earlier
     * failed attempt first, as BEING_DELETED: they go whatever the free space.
     */
    public List<Victim> claimObsolete(String rseId, int limit) {
        return claim(rseId, "(r.tombstone = $obsolete OR r.state = 'BEING_DELETED')",
                "CASE r.state WHEN 'BEING_DELETED' THEN 0 ELSE 1 END, f.key", -1, limit);
    }

    /**
     * Claims candidates with a passed LRU tombstone, least recently accessed first (access time, else tombstone),
     * adding up to the fewest that reach {@code bytes} (all of them up to {@code limit} when {@code bytes} is
     * negative), as BEING_DELETED.
     */
    public List<Victim> claimLru(String rseId, long bytes, int limit) {
        if (bytes == 0) {
            return List.of();
        }
        return claim(rseId, "r.tombstone > $obsolete AND r.tombstone <= $now AND r.state <> 'BEING_DELETED'",
                "coalesce(r.accessed_at, r.tombstone), r.tombstone, f.key", bytes, limit);
    }

    private List<Victim> claim(String rseId, String which, String order, long bytes, int limit) {
        Map<String, Object> params = new HashMap<>();
        params.put("rse", rseId);
        params.put("now", clock.millis());
        params.put("limit", limit);
        params.put("bytes", bytes);
        params.put("obsolete", Tombstones.OBSOLETE);
        return store.write(tx -> tx.run("""
                MATCH (f:Did)-[r:REPLICA]->(rse:Rse {id: $rse})
                WHERE r.tombstone IS NOT NULL AND r.tombstone <= $now AND coalesce(r.lock_cnt, 0) = 0 AND %s
                  AND NOT EXISTS { MATCH (q:Request) WHERE q.key STARTS WITH f.key + '|'
                                       AND q.state IN ['QUEUED', 'SUBMITTING', 'SUBMITTED', 'WAITING', 'ARCHIVING'] }
                WITH f, r, rse ORDER BY %s
                LIMIT $limit
                WITH collect({f: f, r: r}) AS rows, rse
                WITH rse, rows, CASE WHEN $bytes < 0 THEN []
                                     ELSE reduce(acc = [0], x IN rows | acc + (acc[size(acc) - 1] + coalesce(x.r.bytes, 0)))
                                END AS before
                WITH rse, [i IN range(0, size(rows) - 1) WHERE $bytes < 0 OR before[i] < $bytes | rows[i]] AS needed
                UNWIND needed AS row
                WITH rse, row.f AS f, row.r AS r
                SET r.state = 'BEING_DELETED', r.updated_at = $now
                WITH rse, f, r, r.path AS path, coalesce(r.bytes, 0) AS bytes, r.tombstone AS tombstone,
                     r.path IS NOT NULL AND EXISTS {
                       MATCH ()-[other:REPLICA]->() WHERE other.rse_id = rse.id AND other.path = r.path AND other <> r
                     } AS shared
                FOREACH (_ IN CASE WHEN shared THEN [1] ELSE [] END | DELETE r)
                RETURN f.key AS key, rse.id AS rse_id, rse.rse AS rse, path, bytes, tombstone, shared
                """.formatted(which, order), params).list(r -> new Victim(r.get("key").asString(),
                r.get("rse_id").asString(), r.get("rse").asString(), Values.str(r.get("path")), r.get("bytes").asLong(),
                r.get("tombstone").asLong(), r.get("shared").asBoolean())));
    }

    /**
     * Removes the catalog rows of replicas the storage confirmed gone, and moves the {@code storage} usage of their
     * RSEs by the bytes freed, in the same transaction.
     */
    public void deleted(List<Victim> victims) {
        if (victims.isEmpty()) {
            return;
        }
        List<Map<String, Object>> rows = victims.stream()
                .map(v -> Map.<String, Object>of("key", v.fileKey(), "rse", v.rseId())).toList();
        Map<String, Long> freed = new HashMap<>();
        victims.forEach(v -> freed.merge(v.rseId(), v.bytes(), Long::sum));
        List<Map<String, Object>> deletions = victims.stream().map(ReaperStore::deletionDone).toList();
        List<Map<String, Object>> usage = freed.entrySet().stream()
                .map(e -> Map.<String, Object>of("rse", e.getKey(), "bytes", e.getValue())).toList();
        store.write(tx -> {
            tx.run("""
                    UNWIND $rows AS row
                    MATCH (:Did {key: row.key})-[r:REPLICA {state: 'BEING_DELETED'}]->(:Rse {id: row.rse})
                    WHERE coalesce(r.lock_cnt, 0) = 0
                    DELETE r
                    """, Map.of("rows", rows)).consume();
            tx.run("""
                    UNWIND $rows AS row
                    MATCH (:Rse {id: row.rse})-[:HAS_USAGE]->(u:RseUsage {source: 'storage'})
                    SET u.free = CASE WHEN u.free IS NULL THEN null ELSE u.free + row.bytes END,
                        u.used = CASE WHEN coalesce(u.used, 0) > row.bytes THEN u.used - row.bytes ELSE 0 END
                    """, Map.of("rows", usage)).consume();
            // Rucio's deletion-done, one event per slice: the brokers send one message per deleted replica.
            long now = clock.millis();
            for (int from = 0; from < deletions.size(); from += DELETION_SLICE) {
                Events.emit(tx, DELETIONS_DONE, Map.of("deletions",
                        deletions.subList(from, Math.min(deletions.size(), from + DELETION_SLICE))), now);
            }
            return null;
        });
    }

    /** A deleted replica in the keys of Rucio's {@code deletion-done} message. */
    private static Map<String, Object> deletionDone(Victim v) {
        DidRef file = DidRef.fromKey(v.fileKey());
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("scope", file.scope());
        p.put("name", file.name());
        p.put("rse", v.rse());
        p.put("file-size", v.bytes());
        p.put("bytes", v.bytes());
        p.put("url", v.path());
        p.put("protocol", null);
        p.put("datatype", null);
        p.put("duration", null);
        return p;
    }
}
