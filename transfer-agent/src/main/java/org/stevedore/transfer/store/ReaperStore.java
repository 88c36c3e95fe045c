package org.stevedore.transfer.store;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Values;

/**
 * What the reaper may delete, and the bookkeeping of deletions. A candidate is a replica with a tombstone that has
 * passed, no lock, and a file with no live transfer request anywhere (it may be a request's source, or its last good
 * copy). Candidates are claimed as BEING_DELETED; the catalog row goes only after the storage confirmed.
 *
 * <p>A physical path is deleted only when no other replica claims it: the claim's transaction looks for another
 * replica at the same path of the RSE, and a candidate that has one loses its catalog row in that same transaction
 * and is handed back {@link Victim#shared shared}, for the reaper to leave the file alone. The store's uniqueness of
 * (RSE, path) means such a pair should never exist; the check is what keeps another tenant's file safe if one does
 * (a store written before the constraint, a writer that bypassed it). A claimed candidate keeps its path until its
 * row goes, so nothing can claim the path between the check and the storage's deletion.
 */
public final class ReaperStore {

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
    }

    private final Store store;
    private final Clock clock;

    public ReaperStore(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Every RSE with its MinFreeSpace limit, the storage's reported free space and the greedy flag. */
    public List<Space> spaces() {
        return store.read(tx -> tx.run("""
                MATCH (r:Rse)
                OPTIONAL MATCH (r)-[:HAS_USAGE]->(u:RseUsage {source: 'storage'})
                RETURN r.id AS id, r.rse AS rse, r.`limit:MinFreeSpace` AS min_free, u.free AS free,
                       toLower(toString(coalesce(r.`attr:greedyDeletion`, false))) = 'true' AS greedy
                ORDER BY rse
                """).list(r -> new Space(r.get("id").asString(), r.get("rse").asString(), Values.lng(r.get("min_free")),
                Values.lng(r.get("free")), r.get("greedy").asBoolean())));
    }

    /**
     * Claims, oldest tombstone first, candidates of an RSE adding up to at least {@code bytes} (all of them up to
     * {@code limit} when {@code bytes} is negative), as BEING_DELETED; replicas left BEING_DELETED by an earlier failed
     * attempt come first.
     */
    public List<Victim> claim(String rseId, long bytes, int limit) {
        Map<String, Object> params = new HashMap<>();
        params.put("rse", rseId);
        params.put("now", clock.millis());
        params.put("limit", limit);
        params.put("bytes", bytes);
        return store.write(tx -> tx.run("""
                MATCH (f:Did)-[r:REPLICA]->(rse:Rse {id: $rse})
                WHERE r.tombstone IS NOT NULL AND r.tombstone <= $now AND coalesce(r.lock_cnt, 0) = 0
                  AND NOT EXISTS { MATCH (q:Request) WHERE q.key STARTS WITH f.key + '|'
                                       AND q.state IN ['QUEUED', 'SUBMITTING', 'SUBMITTED', 'WAITING'] }
                WITH f, r, rse ORDER BY CASE r.state WHEN 'BEING_DELETED' THEN 0 ELSE 1 END, r.tombstone, f.key
                LIMIT $limit
                WITH collect({f: f, r: r}) AS rows, rse
                WITH rse, [i IN range(0, size(rows) - 1) WHERE $bytes < 0 OR
                           reduce(s = 0, x IN rows[0..i] | s + coalesce(x.r.bytes, 0)) < $bytes | rows[i]] AS needed
                UNWIND needed AS row
                WITH rse, row.f AS f, row.r AS r
                SET r.state = 'BEING_DELETED', r.updated_at = $now
                WITH rse, f, r, r.path AS path, coalesce(r.bytes, 0) AS bytes, r.tombstone AS tombstone,
                     r.path IS NOT NULL AND EXISTS {
                       MATCH ()-[other:REPLICA]->() WHERE other.rse_id = rse.id AND other.path = r.path AND other <> r
                     } AS shared
                FOREACH (_ IN CASE WHEN shared THEN [1] ELSE [] END | DELETE r)
                RETURN f.key AS key, rse.id AS rse_id, rse.rse AS rse, path, bytes, tombstone, shared
                """, params).list(r -> new Victim(r.get("key").asString(), r.get("rse_id").asString(),
                r.get("rse").asString(), Values.str(r.get("path")), r.get("bytes").asLong(), r.get("tombstone").asLong(),
                r.get("shared").asBoolean())));
    }

    /** Removes the catalog rows of replicas the storage confirmed gone. */
    public void deleted(List<Victim> victims) {
        List<Map<String, Object>> rows = victims.stream()
                .map(v -> Map.<String, Object>of("key", v.fileKey(), "rse", v.rseId())).toList();
        store.write(tx -> tx.run("""
                UNWIND $rows AS row
                MATCH (:Did {key: row.key})-[r:REPLICA {state: 'BEING_DELETED'}]->(:Rse {id: row.rse})
                WHERE coalesce(r.lock_cnt, 0) = 0
                DELETE r
                """, Map.of("rows", rows)).consume());
    }
}
