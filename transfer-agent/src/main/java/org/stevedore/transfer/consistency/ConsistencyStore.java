package org.stevedore.transfer.consistency;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.stevedore.catalog.error.Duplicate;
import org.stevedore.catalog.error.RSENotFound;
import org.stevedore.catalog.store.Store;

/**
 * The consistency check's nodes: {@code (:ConsistencyRun)} per run of an RSE with its counts, {@code
 * (:ConsistencyFinding {run_id, kind, path})} for the missing and dark paths it found (up to a cap per run; the counts
 * are exact), and {@code (:DarkFile {rse_id, path, first_seen, last_seen})}, the dark files seen in consecutive runs,
 * which decides when one has been dark long enough to delete. Reads the catalog's replicas of an RSE in path order,
 * a page at a time, through the {@code replica_path} index.
 */
public final class ConsistencyStore {

    /** A replica as the check compares it. */
    public record CatalogEntry(String path, String key, String state, long createdAt) {
    }

    /** A run's figures. */
    public record Run(String id, String rse, String source, String state, Instant startedAt, Instant endedAt,
                      Instant listedAt, long storageFiles, long catalogFiles, long missing, long dark,
                      long darkDeleted, long refused, String error) {
    }

    /**
     * A page of an RSE's replicas in path order: a seek of the {@code replica_path} index read in its order. Ordered by
     * both of the index's properties, as the planner needs to see to take the index's order instead of sorting every
     * later path of the RSE for each page. The seek is also forced: the planner's choice follows the statistics,
     * and a plan that scans or sorts per page is harmless at a thousand replicas and quadratic at a million.
     */
    static final String PAGE = """
            MATCH (f:Did)-[r:REPLICA]->() USING INDEX SEEK r:REPLICA(rse_id, path)
            WHERE r.rse_id = $rse AND r.path > $after
            RETURN r.path AS path, f.key AS key, r.state AS state, coalesce(r.created_at, 0) AS created
            ORDER BY r.rse_id, r.path LIMIT $limit
            """;

    private final Store store;

    public ConsistencyStore(Store store) {
        this.store = store;
    }

    public Store store() {
        return store;
    }

    /** The id of RSE {@code rse}, or RSENotFound. */
    public String rseId(String rse) {
        return store.read(tx -> tx.run("MATCH (r:Rse {rse: $rse}) RETURN r.id AS id", Map.of("rse", rse)).list())
                .stream().findFirst().map(r -> r.get("id").asString())
                .orElseThrow(() -> new RSENotFound("RSE '" + rse + "' not found"));
    }

    /** Up to {@code limit} replicas of the RSE with a path after {@code after}, in path order. */
    public List<CatalogEntry> page(String rseId, String after, int limit) {
        return store.read(tx -> tx.run(PAGE, Map.of("rse", rseId, "after", after, "limit", limit)).list(r -> new CatalogEntry(
                r.get("path").asString(), r.get("key").asString(), r.get("state").asString("AVAILABLE"),
                r.get("created").asLong())));
    }

    /**
     * Starts a run of the RSE (RUNNING), unless one is running already: then {@link Duplicate} naming it. A RUNNING run
     * whose last sign of life ({@code heartbeat_at}, else {@code started_at}) is older than {@code staleBefore} was
     * left by a process that died: it is ended FAILED first. The check and the creation hold the RSE's node lock, so
     * two starts in any processes never both see no run.
     */
    public String start(String rseId, String rse, String source, Instant listedAt, long now, long staleBefore) {
        String id = UUID.randomUUID().toString();
        Map<String, Object> params = new HashMap<>();
        params.put("id", id);
        params.put("rse_id", rseId);
        params.put("rse", rse);
        params.put("source", source);
        params.put("now", now);
        params.put("listed", listedAt.toEpochMilli());
        params.put("stale", staleBefore);
        String running = store.write(tx -> {
            // Setting and removing a property takes the RSE node's write lock, held to the commit, changing nothing.
            tx.run("MATCH (r:Rse {id: $rse_id}) SET r.consistency_lock = true REMOVE r.consistency_lock",
                    params).consume();
            tx.run("""
                    MATCH (c:ConsistencyRun {rse_id: $rse_id, state: 'RUNNING'})
                    WHERE coalesce(c.heartbeat_at, c.started_at) < $stale
                    SET c.state = 'FAILED', c.ended_at = $now,
                        c.error = 'interrupted: the process running it stopped giving signs of life'
                    """, params).consume();
            List<String> live = tx.run("""
                    MATCH (c:ConsistencyRun {rse_id: $rse_id, state: 'RUNNING'}) RETURN c.id AS id
                    """, params).list(r -> r.get("id").asString());
            if (!live.isEmpty()) {
                return live.get(0);
            }
            tx.run("""
                    CREATE (:ConsistencyRun {id: $id, rse_id: $rse_id, rse: $rse, source: $source, state: 'RUNNING',
                                             started_at: $now, heartbeat_at: $now, listed_at: $listed})
                    """, params).consume();
            return null;
        });
        if (running != null) {
            throw new Duplicate("A consistency check of RSE '" + rse + "' is running already: run " + running);
        }
        return id;
    }

    /** The run is alive: a RUNNING run without a recent heartbeat is taken for one whose process died. */
    public void heartbeat(String runId, long now) {
        store.write(tx -> tx.run("MATCH (c:ConsistencyRun {id: $id}) SET c.heartbeat_at = $now",
                Map.of("id", runId, "now", now)).consume());
    }

    public void finish(String runId, String state, Map<String, Long> counts, String error, long now) {
        Map<String, Object> params = new HashMap<>(counts);
        params.put("id", runId);
        params.put("state", state);
        params.put("error", error);
        params.put("now", now);
        params.put("counts", counts);
        store.write(tx -> tx.run("""
                MATCH (c:ConsistencyRun {id: $id})
                SET c += $counts, c.state = $state, c.error = $error, c.ended_at = $now
                """, params).consume());
    }

    /** Records findings of a run (kind MISSING or DARK), one statement for the batch. */
    public void findings(String runId, String kind, List<String> paths) {
        if (paths.isEmpty()) {
            return;
        }
        store.write(tx -> tx.run("""
                UNWIND $paths AS p CREATE (:ConsistencyFinding {run_id: $run, kind: $kind, path: p})
                """, Map.of("run", runId, "kind", kind, "paths", paths)).consume());
    }

    /** These paths are dark in this run: new ones start their grace period now. */
    public void seenDark(String rseId, List<String> paths, long now) {
        if (paths.isEmpty()) {
            return;
        }
        store.write(tx -> tx.run("""
                UNWIND $paths AS p
                MERGE (d:DarkFile {rse_id: $rse, path: p}) ON CREATE SET d.first_seen = $now
                SET d.last_seen = $now
                """, Map.of("rse", rseId, "paths", paths, "now", now)).consume());
    }

    /** Dark files not seen by the run that started at {@code runStart} are no longer dark (gone, or registered). */
    public void forgetUnseen(String rseId, long runStart) {
        store.write(tx -> tx.run("""
                MATCH (d:DarkFile {rse_id: $rse}) WHERE d.last_seen < $start DELETE d
                """, Map.of("rse", rseId, "start", runStart)).consume());
    }

    /**
     * Dark files seen by this run and first seen before {@code firstSeenBefore}, that no replica claims now (one
     * registered since the listing is not dark), up to {@code limit}.
     */
    public List<String> dueForDeletion(String rseId, long runStart, long firstSeenBefore, int limit) {
        return store.read(tx -> tx.run("""
                MATCH (d:DarkFile {rse_id: $rse}) WHERE d.last_seen >= $start AND d.first_seen <= $before
                  AND NOT EXISTS { MATCH ()-[r:REPLICA]->() WHERE r.rse_id = $rse AND r.path = d.path }
                RETURN d.path AS path ORDER BY path LIMIT $limit
                """, Map.of("rse", rseId, "start", runStart, "before", firstSeenBefore, "limit", limit))
                .list(r -> r.get("path").asString()));
    }

    public void deleted(String rseId, List<String> paths) {
        store.write(tx -> tx.run("""
                UNWIND $paths AS p MATCH (d:DarkFile {rse_id: $rse, path: p}) DELETE d
                """, Map.of("rse", rseId, "paths", paths)).consume());
    }

    /** The RSE's last runs, newest first. */
    public List<Run> runs(String rseId, int limit) {
        return store.read(tx -> tx.run("""
                MATCH (c:ConsistencyRun) WHERE c.rse_id = $rse
                RETURN c ORDER BY c.started_at DESC LIMIT $limit
                """, Map.of("rse", rseId, "limit", limit)).list(r -> run(r.get("c").asMap())));
    }

    /** One run of the RSE, by id. */
    public Optional<Run> run(String rseId, String runId) {
        return store.read(tx -> tx.run("""
                MATCH (c:ConsistencyRun {id: $id}) WHERE c.rse_id = $rse RETURN c
                """, Map.of("rse", rseId, "id", runId)).list(r -> run(r.get("c").asMap()))).stream().findFirst();
    }

    private static Run run(Map<String, Object> c) {
        return new Run((String) c.get("id"), (String) c.get("rse"), (String) c.get("source"),
                (String) c.get("state"), instant(c.get("started_at")), instant(c.get("ended_at")),
                instant(c.get("listed_at")), num(c, "storage_files"), num(c, "catalog_files"), num(c, "missing"),
                num(c, "dark"), num(c, "dark_deleted"), num(c, "refused"), (String) c.get("error"));
    }

    /** When each of the RSEs given (by id) was last checked: null for never. */
    public Map<String, Long> lastRuns(List<String> rseIds) {
        Map<String, Long> out = new HashMap<>();
        store.read(tx -> tx.run("""
                UNWIND $ids AS id
                OPTIONAL MATCH (c:ConsistencyRun) WHERE c.rse_id = id
                RETURN id, max(c.started_at) AS last
                """, Map.of("ids", rseIds)).list()).forEach(r -> out.put(r.get("id").asString(),
                r.get("last").isNull() ? null : r.get("last").asLong()));
        return out;
    }

    /** A page of a run's findings of one kind, in path order. */
    public List<String> findings(String runId, String kind, int offset, int limit) {
        return store.read(tx -> tx.run("""
                MATCH (f:ConsistencyFinding {run_id: $run, kind: $kind})
                RETURN f.path AS path ORDER BY path SKIP $offset LIMIT $limit
                """, Map.of("run", runId, "kind", kind, "offset", offset, "limit", limit))
                .list(r -> r.get("path").asString()));
    }

    private static long num(Map<String, Object> c, String key) {
        Object v = c.get(key);
        return v == null ? 0 : ((Number) v).longValue();
    }

    private static Instant instant(Object millis) {
        return millis == null ? null : Instant.ofEpochMilli(((Number) millis).longValue());
    }
}
