package org.stevedore.transfer.store;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.neo4j.driver.Record;
import org.neo4j.driver.Value;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Values;

/**
 * The submitter's side of the requests (see {@link RequestStore}): it claims QUEUED requests of its partition (those a
 * transfer limit covers are set WAITING for the throttler instead), records the job a transfer tool took them into
 * (SUBMITTED, the job a {@code (:TransferJob)} until it ends), or puts them back in the queue when they cannot go yet.
 * Apart from {@link RequestOutcomes}, which finishes them, because a partition has one submitter and one poller, each
 * with its own store.
 */
public final class RequestClaims {

    /** Request priorities, most urgent first: a rule's, which must be from 0 to 5. */
    private static final List<Integer> PRIORITIES = List.of(5, 4, 3, 2, 1, 0);

    /**
     * A request as the submitter needs it.
     *
     * @param requestType   TRANSFER, or STAGEIN for a recall into a staging area
     * @param failedSources names of the source RSEs earlier attempts failed from (tried last this time)
     * @param sources       the file's readable AVAILABLE replicas on other RSEs, with their distance to the
     *                      destination (null when none is set)
     * @param overwrite     the copy may replace a different file at the destination path (recovery of a bad replica)
     */
    public record Claimed(String id, String key, String didKey, String scope, String name, long bytes, String adler32,
                          String destRseId, String destRse, String destPath, String activity, int priority,
                          int retryCount, String sourceReplicaExpression, String requestType,
                          List<String> failedSources, List<Source> sources, boolean overwrite) {

        public Claimed {
            failedSources = failedSources == null ? List.of() : List.copyOf(failedSources);
            sources = sources == null ? List.of() : List.copyOf(sources);
        }

        /** An ordinary request: never overwrites. */
        public Claimed(String id, String key, String didKey, String scope, String name, long bytes, String adler32,
                       String destRseId, String destRse, String destPath, String activity, int priority,
                       int retryCount, String sourceReplicaExpression, String requestType,
                       List<String> failedSources, List<Source> sources) {
            this(id, key, didKey, scope, name, bytes, adler32, destRseId, destRse, destPath, activity, priority,
                    retryCount, sourceReplicaExpression, requestType, failedSources, sources, false);
        }
    }

    /** A readable AVAILABLE replica a claimed request may copy from. */
    public record Source(String rseId, String rse, String rseType, String path, Integer distance) {
    }

    /** The next QUEUED requests of a partition (%s: its filter on q), with their files' replicas: see {@link #claim}. */
    static final String CLAIM = """
            UNWIND $priorities AS p
            CALL {
                WITH p
                UNWIND $destinations AS d
                CALL {
                    WITH p, d
                    MATCH (q:Request) USING INDEX SEEK q:Request(state, dest_rse_id, priority, created_at)
                    WHERE q.state = 'QUEUED' AND q.dest_rse_id = d AND q.priority = p AND q.created_at IS NOT NULL
                      AND %s AND coalesce(q.not_before, 0) <= $now
                    RETURN q ORDER BY q.state, q.dest_rse_id, q.priority, q.created_at LIMIT $limit
                }
                RETURN q ORDER BY q.created_at LIMIT $limit
            }
            WITH q LIMIT $limit
            WITH q, $limited[q.dest_rse_id] AS activities
            WITH q, q.released_at IS NULL AND activities IS NOT NULL
                    AND ('*' IN activities OR coalesce(q.activity, $default_activity) IN activities) AS held
            MATCH (f:Did {key: q.did_key}) USING INDEX SEEK f:Did(key)
            OPTIONAL MATCH (f)-[r:REPLICA]->(rse) WHERE NOT held
            WITH q, held, f, collect([elementId(rse), r.path, r.state]) AS replicas
            RETURN q.id AS id, q.created_at AS created_at, q.key AS key, q.did_key AS did_key, f.scope AS scope,
                   f.name AS name,
                   coalesce(f.bytes, 0) AS bytes, f.adler32 AS adler32, q.dest_rse_id AS dest_rse_id,
                   q.activity AS activity, q.priority AS priority,
                   q.retry_count AS retry_count, q.source_replica_expression AS source_expression,
                   coalesce(q.request_type, 'TRANSFER') AS request_type,
                   coalesce(q.failed_sources, []) AS failed_sources, coalesce(q.overwrite, false) AS overwrite,
                   held, replicas
            """;

    /** Claimed requests a transfer limit covers wait for the throttler. */
    static final String HOLD = """
            UNWIND $keys AS k
            MATCH (q:Request {key: k}) USING INDEX SEEK q:Request(key)
            WHERE q.state = 'QUEUED'
            SET q.state = 'WAITING', q.updated_at = $now
            """;

    /** The requests a tool took, SUBMITTED with their job. */
    static final String RECORD_SUBMITTED = """
            UNWIND $rows AS row
            MATCH (q:Request {key: row.key}) USING INDEX SEEK q:Request(key)
            WHERE q.state = 'QUEUED'
            SET q.state = 'SUBMITTED', q.external_id = row.job, q.external_host = row.host,
                q.source_rse = row.source, q.submitted_at = $now, q.owner = row.owner,
                q.submitting_owner = null, q.submitting_at = null
            """;

    /**
     * One TransferJob per job just recorded; {@code owner} is the instance holding it in memory (the in-process tool's
     * jobs), null for a job any poller may ask its tool about.
     */
    static final String RECORD_JOBS = """
            UNWIND $jobs AS job
            MERGE (j:TransferJob {id: job.id})
            ON CREATE SET j.host = job.host, j.files = job.files, j.submitted_at = $now, j.hash_bucket = job.bucket,
                j.owner = job.owner
            """;

    /** Claimed requests back in the queue, not before a delay. */
    static final String REQUEUE = """
            UNWIND $ids AS k
            MATCH (q:Request {key: k}) USING INDEX SEEK q:Request(key)
            SET q.state = 'QUEUED', q.error = $reason, q.updated_at = $now, q.released_at = null,
                q.not_before = $not_before, q.submitting_owner = null, q.submitting_at = null
            """;

    private final Store store;
    private final Clock clock;

    public RequestClaims(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * The next up to {@code limit} QUEUED requests of a partition whose retry delay has passed (highest priority,
     * then oldest: the same answer until they are submitted), each with the replicas it may copy from.
     * Those a transfer limit covers are moved to WAITING instead, unless the throttler released them (see
     * {@link ThrottleStore}); they are not returned. Otherwise nothing is written: the requests stay QUEUED until
     * {@link #submitted} records the job that took them. Claiming is a read because a partition has one submitter,
     * and it leaves nothing behind to repair when that submitter dies between the claim and the submission (a
     * retried submission reuses the deterministic job id, which the tool recognises).
     */
    public List<Claimed> claim(Partition partition, int limit) {
        Map<String, Object> params = new HashMap<>(partition.cypherParams());
        params.put("limit", limit);
        params.put("now", clock.millis());
        params.put("default_activity", RequestStore.DEFAULT_ACTIVITY);
        params.put("priorities", PRIORITIES);
        List<String> held = new ArrayList<>();
        List<Claimed> claimed = store.read(tx -> {
            held.clear();
            // RSEs and their transfer limits are few: read once here. The claim looks for requests to each RSE in
            // turn, the per-request limit check is a map lookup, and the replicas carry only their RSE's element id.
            Map<String, RseRow> rses = new HashMap<>();
            Map<String, RseRow> byId = new LinkedHashMap<>();
            Map<String, Object> limited = new HashMap<>();
            tx.run("""
                    MATCH (rse:Rse)
                    OPTIONAL MATCH (l:TransferLimit {rse_id: rse.id})
                    RETURN elementId(rse) AS element, rse.id AS id, rse.rse AS rse, rse.rse_type AS type,
                           coalesce(rse.availability_read, true) AS readable, collect(l.activity) AS limits
                    ORDER BY id
                    """).forEachRemaining(r -> {
                String id = r.get("id").asString();
                RseRow row = new RseRow(id, r.get("rse").asString(), Values.str(r.get("type")),
                        r.get("readable").asBoolean());
                rses.put(r.get("element").asString(), row);
                byId.put(id, row);
                if (!r.get("limits").isEmpty()) {
                    limited.put(id, r.get("limits").asList());
                }
            });
            params.put("limited", limited);
            params.put("destinations", List.copyOf(byId.keySet()));
            // One pass: the request, its file and all the file's replicas (a few per file); which of them can be a
            // source, and where the destination replica's path is, is sorted out below. Priority by priority, and
            // within one the oldest of each destination's, each read in the order of the queue index: a claim reads
            // at most as many requests per destination as it returns, however long the queue, instead of sorting the
            // whole queue every time.
            List<Record> rows = tx.run(CLAIM.formatted(partition.cypherFilter("q")), params).list();
            if (rows.isEmpty()) {
                // The common answer of an idle queue, in two statements rather than four.
                return List.of();
            }
            Set<String> destinations = new LinkedHashSet<>();
            for (Record r : rows) {
                destinations.add(r.get("dest_rse_id").asString());
            }
            Map<String, Integer> distances = new HashMap<>();
            tx.run("""
                    MATCH (a:Rse)-[d:DISTANCE]->(b:Rse) WHERE b.id IN $dests
                    RETURN a.id AS source, b.id AS dest, d.distance AS distance
                    """, Map.of("dests", List.copyOf(destinations))).forEachRemaining(r -> {
                if (!r.get("distance").isNull()) {
                    distances.put(r.get("source").asString() + "|" + r.get("dest").asString(), r.get("distance").asInt());
                }
            });
            List<Claimed> out = new ArrayList<>(rows.size());
            for (Record r : rows) {
                if (r.get("held").asBoolean()) {
                    held.add(r.get("key").asString());
                } else {
                    out.add(claimed(r, rses, byId, distances));
                }
            }
            return out;
        });
        if (!held.isEmpty()) {
            store.write(tx -> tx.run(HOLD, Map.of("keys", held, "now", clock.millis())).consume());
        }
        return claimed;
    }

    private record RseRow(String id, String rse, String type, boolean readable) {
    }

    /**
     * A claimed request from its row: the destination's name ({@code byId}: RSEs by id; a request keeps only the id),
     * the destination replica's path, and the readable AVAILABLE other replicas ({@code rses}: by element id).
     */
    private static Claimed claimed(Record r, Map<String, RseRow> rses, Map<String, RseRow> byId,
                                   Map<String, Integer> distances) {
        String key = r.get("key").asString();
        String dest = r.get("dest_rse_id").asString();
        String destPath = null;
        RseRow destRse = byId.get(dest);
        List<Source> sources = new ArrayList<>();
        for (Value replica : r.get("replicas").values()) {
            RseRow rse = replica.get(0).isNull() ? null : rses.get(replica.get(0).asString());
            if (rse == null) {
                continue;
            }
            String path = Values.str(replica.get(1));
            if (rse.id().equals(dest)) {
                destPath = path;
            } else if ("AVAILABLE".equals(Values.str(replica.get(2))) && rse.readable()) {
                sources.add(new Source(rse.id(), rse.rse(), rse.type(), path, distances.get(rse.id() + "|" + dest)));
            }
        }
        return new Claimed(RequestStore.id(r.get("id"), key, r.get("created_at")), key, r.get("did_key").asString(),
                r.get("scope").asString(), r.get("name").asString(), r.get("bytes").asLong(),
                Values.str(r.get("adler32")), dest, destRse == null ? null : destRse.rse(), destPath,
                Values.str(r.get("activity")), r.get("priority").asInt(3), r.get("retry_count").asInt(0),
                Values.str(r.get("source_expression")),
                r.get("request_type").asString(), r.get("failed_sources").asList(Value::asString), sources,
                r.get("overwrite").asBoolean());
    }

    /**
     * Before requests go to a tool whose jobs live in one instance's memory (the in-process copier): marks those still
     * QUEUED as being submitted by {@code self}, unless another live instance marked them less than {@code timeout}
     * ago, and answers the keys marked. Partitions overlap for up to one cycle when an instance starts or dies, so
     * two submitters may claim the same requests; this keeps the second from copying them again. The mark goes when
     * the job is recorded ({@link #submitted}) or the request is put back ({@link #requeue}); one left by an instance
     * that died, or older than {@code timeout}, counts for nothing. The first statement writes every request, so a
     * second submitter waits for the first's commit and then sees its mark.
     */
    public List<String> markSubmitting(List<String> requestKeys, String self, Set<String> live, Duration timeout) {
        long now = clock.millis();
        Map<String, Object> params = Map.of("keys", requestKeys, "self", self, "live", List.copyOf(live), "now", now,
                "stale", now - timeout.toMillis());
        return store.write(tx -> {
            tx.run("""
                    UNWIND $keys AS k
                    MATCH (q:Request {key: k}) USING INDEX SEEK q:Request(key)
                    SET q.updated_at = $now
                    """, params).consume();
            return tx.run("""
                    UNWIND $keys AS k
                    MATCH (q:Request {key: k}) USING INDEX SEEK q:Request(key)
                    WHERE q.state = 'QUEUED'
                      AND (q.submitting_owner IS NULL OR q.submitting_owner = $self
                           OR NOT q.submitting_owner IN $live OR q.submitting_at < $stale)
                    SET q.submitting_owner = $self, q.submitting_at = $now
                    RETURN q.key AS key
                    """, params).list(r -> r.get("key").asString());
        });
    }

    /**
     * Records the job each request (by key) went into: rows of key, job, host, source, and owner (the instance whose
     * process holds the job, absent or null for a tool whose jobs outlive the service). Each job becomes a
     * {@code (:TransferJob {id, host})} the poller asks about, until the job ends.
     */
    public void submitted(List<Map<String, Object>> requestJobHostSource) {
        // A row per job (a few per claim) rather than one per request for the statement to group.
        Map<String, Map<String, Object>> jobs = new LinkedHashMap<>();
        for (Map<String, Object> row : requestJobHostSource) {
            Map<String, Object> job = jobs.computeIfAbsent((String) row.get("job"), id -> {
                Map<String, Object> j = new HashMap<>();
                j.put("id", id);
                j.put("host", row.get("host"));
                j.put("bucket", Partition.bucket(id));
                j.put("files", 0L);
                j.put("owner", row.get("owner"));
                return j;
            });
            job.put("files", (Long) job.get("files") + 1);
        }
        long now = clock.millis();
        store.write(tx -> {
            tx.run(RECORD_SUBMITTED, Map.of("rows", requestJobHostSource, "now", now)).consume();
            tx.run(RECORD_JOBS, Map.of("jobs", List.copyOf(jobs.values()), "now", now)).consume();
            return null;
        });
    }

    /**
     * Puts claimed requests back in the queue (submission failed, or no source yet) with the reason, not to be claimed
     * again before {@code delay} has passed: a request that cannot go yet would otherwise come first in every claim
     * and hold the others back.
     */
    public void requeue(List<String> requestKeys, String reason, Duration delay) {
        long now = clock.millis();
        store.write(tx -> tx.run(REQUEUE, Map.of("ids", requestKeys, "reason", reason == null ? "" : reason, "now", now,
                "not_before", now + delay.toMillis())).consume());
    }
}
