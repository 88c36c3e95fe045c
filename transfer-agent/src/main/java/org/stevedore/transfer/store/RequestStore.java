package org.stevedore.transfer.store;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;
import org.neo4j.driver.Value;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.outbox.Events;
import org.stevedore.catalog.replica.ReplicaAvailability;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Times;
import org.stevedore.catalog.store.Values;
import org.stevedore.rules.store.RuleStore;

/**
 * Transfer requests: {@code (:Request {key: scope:name|dest rse id, state, ...})}, written QUEUED by rule evaluation and
 * moved on by the conveyor: SUBMITTED with the transfer tool's job id once the tool took them (the job itself a
 * {@code (:TransferJob)} until it ends), then DONE (the replica becomes AVAILABLE and its locks OK, in one
 * transaction), back to QUEUED for a retry, or FAILED for good (its locks STUCK with the reason). SUBMITTING, the
 * claimed state of earlier releases, is no longer written (see {@link #claim}).
 *
 * <p>A request is written lean, because each property lengthens the chain of records every change to it walks and
 * copies at commit: what the file key and the destination RSE tell (scope, name, the RSE's name) and the defaults
 * (type TRANSFER, no retries) are not stored, nor an id (see {@link #id}) or the rule (its locks tell), and the
 * submission and the arrival write only their own time, not {@code updated_at}. {@link #list} puts them back as the
 * API shows them.
 */
public final class RequestStore {

    /** Request priorities, most urgent first: a rule's, which must be from 0 to 5. */
    private static final List<Integer> PRIORITIES = List.of(5, 4, 3, 2, 1, 0);

    /** The activity of requests whose rule named none, as in Rucio. */
    public static final String DEFAULT_ACTIVITY = "User Subscriptions";

    /**
     * A request as the submitter needs it.
     *
     * @param requestType   TRANSFER, or STAGEIN for a recall into a staging area
     * @param failedSources names of the source RSEs earlier attempts failed from (tried last this time)
     * @param sources       the file's readable AVAILABLE replicas on other RSEs, with their distance to the
     *                      destination (null when none is set)
     */
    public record Claimed(String id, String key, String didKey, String scope, String name, long bytes, String adler32,
                          String destRseId, String destRse, String destPath, String activity, int priority,
                          int retryCount, String sourceReplicaExpression, String requestType,
                          List<String> failedSources, List<Source> sources) {

        public Claimed {
            failedSources = failedSources == null ? List.of() : List.copyOf(failedSources);
            sources = sources == null ? List.of() : List.copyOf(sources);
        }
    }

    /** A readable AVAILABLE replica a claimed request may copy from. */
    public record Source(String rseId, String rse, String rseType, String path, Integer distance) {
    }

    /** A request as listed by the API. */
    public record Request(String id, String scope, String name, String destRse, String state, String requestType,
                          String activity, int priority, long bytes, int retryCount, String externalId,
                          String externalHost, String error, String sourceRse, Instant createdAt, Instant updatedAt,
                          Instant submittedAt, Instant transferredAt) {
    }

    /** The outcome of one request's transfer (by request key), as the poller saw it. */
    public record Outcome(String requestKey, boolean done, String reason) {
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
                   coalesce(q.failed_sources, []) AS failed_sources, held, replicas
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
                q.source_rse = row.source, q.submitted_at = $now
            """;

    /** One TransferJob per job just recorded. */
    static final String RECORD_JOBS = """
            UNWIND $jobs AS job
            MERGE (j:TransferJob {id: job.id})
            ON CREATE SET j.host = job.host, j.files = job.files, j.submitted_at = $now, j.hash_bucket = job.bucket
            """;

    /** Claimed requests back in the queue, not before a delay. */
    static final String REQUEUE = """
            UNWIND $ids AS k
            MATCH (q:Request {key: k}) USING INDEX SEEK q:Request(key)
            SET q.state = 'QUEUED', q.error = $reason, q.updated_at = $now, q.released_at = null,
                q.not_before = $not_before
            """;

    /** Requests whose file arrived: DONE, the replica AVAILABLE, the locks OK; counted per rule. */
    static final String FINISH_DONE = """
            UNWIND $rows AS row
            MATCH (q:Request {key: row.key}) USING INDEX SEEK q:Request(key)
            WHERE q.state = 'SUBMITTED'
            MATCH (f:Did {key: q.did_key}) USING INDEX SEEK f:Did(key)
            MATCH (f)-[r:REPLICA]->(rse:Rse) WHERE rse.id = q.dest_rse_id
            OPTIONAL MATCH (rule:Rule)-[l:LOCK]->(f) WHERE l.rse_id = rse.id AND l.state = 'REPLICATING'
            SET r.state = 'AVAILABLE', r.updated_at = $now,
                q.state = 'DONE', q.transferred_at = $now, q.error = null,
                l.state = 'OK', l.updated_at = $now, l.error = null
            WITH rule, count(l) AS locks, collect(DISTINCT q.did_key) AS files, collect(DISTINCT q.dest_rse_id) AS rses
            RETURN rule.id AS rule, locks, files, rses
            """;

    /**
     * Ended jobs go; a request of theirs still SUBMITTED is retried: queued again at once, counting the attempt (so the
     * resubmission is a new job, not the ended one the tool would answer 409 for), or FAILED once out of retries.
     */
    static final String FORGET_ENDED_JOBS = """
            UNWIND $jobs AS job
            MATCH (j:TransferJob {id: job.id}) USING INDEX SEEK j:TransferJob(id)
            OPTIONAL MATCH (q:Request {external_id: job.id}) USING INDEX SEEK q:Request(external_id)
            WHERE q.state = 'SUBMITTED'
            WITH j, job, collect(q) AS left
            DELETE j
            WITH job, left
            UNWIND left AS q
            WITH q, job, coalesce(q.retry_count, 0) + 1 AS retry
            SET q.retry_count = retry, q.error = job.reason, q.updated_at = $now, q.released_at = null,
                q.state = CASE WHEN retry > $max THEN 'FAILED' ELSE 'QUEUED' END
            RETURN q.did_key AS key, q.dest_rse_id AS rse_id, job.reason AS error, q.state = 'FAILED' AS given_up
            """;

    /** Requests whose transfer failed: retried later, or FAILED once out of retries. */
    static final String FINISH_FAILED = """
            UNWIND $rows AS row
            MATCH (q:Request {key: row.key}) USING INDEX SEEK q:Request(key)
            WHERE q.state = 'SUBMITTED'
            WITH q, row, coalesce(q.retry_count, 0) + 1 AS retry
            SET q.retry_count = retry, q.error = row.reason, q.updated_at = $now, q.released_at = null,
                q.state = CASE WHEN retry > $max THEN 'FAILED' ELSE 'QUEUED' END,
                q.not_before = CASE WHEN retry > $max THEN null ELSE $now + $delays[retry] END,
                q.failed_sources = CASE
                    WHEN q.source_rse IS NULL OR q.source_rse IN coalesce(q.failed_sources, [])
                    THEN q.failed_sources ELSE coalesce(q.failed_sources, []) + q.source_rse END
            WITH q, row WHERE q.state = 'FAILED'
            RETURN q.did_key AS key, q.dest_rse_id AS rse_id, row.reason AS error
            """;

    private final Store store;
    private final Clock clock;
    private final RuleStore rules;
    private final ReplicaAvailability availability;

    public RequestStore(Store store, Clock clock, RuleStore rules) {
        this(store, clock, rules, new ReplicaAvailability());
    }

    /** {@code availability} hears, after each commit of {@link #finish}, which replicas became AVAILABLE. */
    public RequestStore(Store store, Clock clock, RuleStore rules, ReplicaAvailability availability) {
        this.store = store;
        this.clock = clock;
        this.rules = rules;
        this.availability = availability;
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
        params.put("default_activity", DEFAULT_ACTIVITY);
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
        return new Claimed(id(r.get("id"), key, r.get("created_at")), key, r.get("did_key").asString(),
                r.get("scope").asString(), r.get("name").asString(), r.get("bytes").asLong(),
                Values.str(r.get("adler32")), dest, destRse == null ? null : destRse.rse(), destPath,
                Values.str(r.get("activity")), r.get("priority").asInt(3), r.get("retry_count").asInt(0),
                Values.str(r.get("source_expression")),
                r.get("request_type").asString(), r.get("failed_sources").asList(Value::asString), sources);
    }

    /**
     * Records the job each request (by key) went into: rows of key, job, host, source. Each job becomes a
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

    /**
     * Up to {@code limit} transfer jobs of a partition (by the job id's bucket) to ask their tool about, those asked
     * least recently first, so that every job is asked in turn however many there are: (job id, host) pairs.
     */
    public List<Map.Entry<String, String>> jobsToPoll(Partition partition, int limit) {
        Map<String, Object> params = new HashMap<>(partition.cypherParams());
        params.put("limit", limit);
        params.put("now", clock.millis());
        return store.write(tx -> tx.run("""
                MATCH (j:TransferJob) WHERE %s
                WITH j ORDER BY coalesce(j.polled_at, 0), j.id LIMIT $limit
                SET j.polled_at = $now
                RETURN j.id AS job, j.host AS host
                """.formatted(partition.cypherFilter("j")), params).list(r -> Map.entry(r.get("job").asString(),
                r.get("host").asString())));
    }

    /** {@link #finish(List, RetryPolicy)} with retries that are not delayed. */
    public void finish(List<Outcome> outcomes, int maxRetries) {
        finish(outcomes, RetryPolicy.immediate(maxRetries));
    }

    /**
     * Applies transfer outcomes in one transaction: a done request makes its replica AVAILABLE and its locks OK; a
     * failed one is queued again while it has retries left, not before the policy's delay and noting the source that
     * failed (the submitter tries another first), else FAILED with its locks STUCK and the reason recorded. The
     * replicas made AVAILABLE are written as one REPLICA_AVAILABLE event
     * (outbox) in the same transaction and announced to {@link ReplicaAvailability} after the commit.
     */
    public void finish(List<Outcome> outcomes, RetryPolicy retry) {
        finish(outcomes, retry, Map.of());
    }

    /**
     * {@link #finish(List, RetryPolicy)}, and in the same transaction forgets the jobs that ended (job id → why):
     * their {@code TransferJob} goes, and a request of theirs still SUBMITTED (the tool gave no final state for its
     * file, or lost the whole job) is retried with that reason: queued again at once, the attempt counted, or FAILED
     * with its locks STUCK once out of retries. Answers how many were queued again so.
     */
    public int finish(List<Outcome> outcomes, RetryPolicy retry, Map<String, String> endedJobs) {
        if (outcomes.isEmpty() && endedJobs.isEmpty()) {
            return 0;
        }
        List<Map<String, Object>> ended = endedJobs.entrySet().stream()
                .map(e -> Map.<String, Object>of("id", e.getKey(), "reason", e.getValue())).toList();
        int[] requeued = {0};
        List<Map<String, Object>> done = new ArrayList<>();
        List<Map<String, Object>> failed = new ArrayList<>();
        for (Outcome o : outcomes) {
            Map<String, Object> row = new HashMap<>();
            row.put("key", o.requestKey());
            row.put("reason", o.reason() == null ? "" : o.reason());
            (o.done() ? done : failed).add(row);
        }
        // delays[n]: the wait before the n-th retry, indexed by the new retry count in the statement below.
        List<Long> delays = new ArrayList<>();
        for (int n = 0; n <= retry.maxRetries() + 1; n++) {
            delays.add(n == 0 ? 0L : retry.delay(n).toMillis());
        }
        List<List<String>> madeAvailable = new ArrayList<>(2);
        store.write(tx -> {
            madeAvailable.clear();
            long now = clock.millis();
            // One statement for the whole done side: request, replica and locks are matched once and written
            // together, and what the rest needs (the files for the event, the locks made OK per rule) comes back
            // already grouped by rule, a row per rule rather than per file.
            Set<String> files = new LinkedHashSet<>();
            Set<String> rseIds = new LinkedHashSet<>();
            Map<String, Long> okByRule = new LinkedHashMap<>();
            if (!done.isEmpty()) {
                tx.run(FINISH_DONE, Map.of("rows", done, "now", now)).forEachRemaining(r -> {
                    files.addAll(r.get("files").asList(Value::asString));
                    rseIds.addAll(r.get("rses").asList(Value::asString));
                    if (!r.get("rule").isNull() && r.get("locks").asLong() > 0) {
                        okByRule.merge(r.get("rule").asString(), r.get("locks").asLong(), Long::sum);
                    }
                });
            }
            rules.locksOk(tx, okByRule, now);
            if (!files.isEmpty()) {
                List<String> keys = List.copyOf(files);
                List<String> rses = List.copyOf(rseIds);
                Events.emit(tx, Events.REPLICA_AVAILABLE, Map.of("files", keys, "rse_ids", rses), now);
                madeAvailable.add(keys);
                madeAvailable.add(rses);
            }
            if (!failed.isEmpty()) {
                failed(tx, failed, retry, delays, now);
            }
            // Last: a request whose file failed above is QUEUED or FAILED by now, not left over.
            requeued[0] = ended.isEmpty() ? 0 : forget(tx, ended, retry, now);
            return null;
        });
        if (!madeAvailable.isEmpty()) {
            availability.announce(madeAvailable.get(0), madeAvailable.get(1));
        }
        return requeued[0];
    }

    /** Forgets the ended jobs, retrying their requests left SUBMITTED: how many were queued again. */
    private int forget(TransactionContext tx, List<Map<String, Object>> ended, RetryPolicy retry, long now) {
        List<Record> left = tx.run(FORGET_ENDED_JOBS, Map.of("jobs", ended, "now", now, "max", retry.maxRetries()))
                .list();
        List<Map<String, Object>> givenUp = left.stream().filter(r -> r.get("given_up").asBoolean())
                .map(RequestStore::givenUp).toList();
        if (!givenUp.isEmpty()) {
            rules.transfersFailed(tx, givenUp, now);
        }
        return left.size() - givenUp.size();
    }

    private void failed(TransactionContext tx, List<Map<String, Object>> failed, RetryPolicy retry, List<Long> delays,
                        long now) {
        List<Map<String, Object>> givenUp = tx.run(FINISH_FAILED, Map.of("rows", failed, "now", now,
                        "max", retry.maxRetries(), "delays", delays))
                .list(RequestStore::givenUp);
        rules.transfersFailed(tx, givenUp, now);
    }

    /** A request out of retries as {@link RuleStore#transfersFailed} takes it: its file, destination and reason. */
    private static Map<String, Object> givenUp(Record r) {
        return Map.of("key", r.get("key").asString(), "rse_id", r.get("rse_id").asString(), "error",
                r.get("error").asString());
    }

    /** Requests of a file towards an RSE (the live one and finished ones still kept). */
    public List<Request> of(String didKey, String destRse) {
        // The request key is scope:name|rse id: one lookup in the key's unique index once the RSE's id is known.
        return store.read(tx -> tx.run("""
                MATCH (d:Rse {rse: $rse})
                MATCH (q:Request {key: $file + '|' + d.id})
                RETURN q, d.rse AS dest_rse
                """, Map.of("file", didKey, "rse", destRse)).list(RequestStore::request));
    }

    /** Streams requests, optionally of one state and destination. */
    public void list(String state, String destRse, long limit, Consumer<Request> sink) {
        Map<String, Object> params = new HashMap<>();
        params.put("state", state);
        params.put("rse", destRse);
        params.put("limit", limit <= 0 ? Long.MAX_VALUE : limit);
        // A request keeps its destination's id only: the name comes from the RSE (or, for requests written before
        // that, from the request itself).
        store.stream("""
                OPTIONAL MATCH (d:Rse {rse: $rse})
                WITH d WHERE $rse IS NULL OR d IS NOT NULL
                MATCH (q:Request)
                WHERE ($state IS NULL OR q.state = $state) AND (d IS NULL OR q.dest_rse_id = d.id)
                WITH q ORDER BY q.created_at, q.key LIMIT $limit
                OPTIONAL MATCH (dest:Rse {id: q.dest_rse_id})
                RETURN q, coalesce(dest.rse, q.dest_rse) AS dest_rse
                """, params, r -> sink.accept(request(r)));
    }

    /**
     * A request from its node and its destination's name. Written lean, a request leaves out what it can be told
     * from: its scope and name are those of its file key (scope:name), a retry count of 0 and the type TRANSFER are
     * not written, and its last change is the latest of {@code updated_at}, {@code submitted_at} and
     * {@code transferred_at}: the submission and the arrival, the two changes every request goes through, write only
     * their own time.
     */
    private static Request request(Record r) {
        var q = r.get("q").asNode();
        DidRef file = DidRef.fromKey(q.get("did_key").asString());
        Instant updated = latest(Times.instant(q.get("created_at")), Times.instant(q.get("updated_at")),
                Times.instant(q.get("submitted_at")), Times.instant(q.get("transferred_at")));
        return new Request(id(q.get("id"), q.get("key").asString(), q.get("created_at")), file.scope(), file.name(),
                Values.str(r.get("dest_rse")), q.get("state").asString(), q.get("request_type").asString("TRANSFER"),
                Values.str(q.get("activity")), q.get("priority").asInt(3), q.get("bytes").asLong(0),
                q.get("retry_count").asInt(0), Values.str(q.get("external_id")), Values.str(q.get("external_host")),
                Values.str(q.get("error")), Values.str(q.get("source_rse")), Times.instant(q.get("created_at")),
                updated, Times.instant(q.get("submitted_at")), Times.instant(q.get("transferred_at")));
    }

    /**
     * A request's id: not stored (a random UUID would take a whole property record of its own in every request's
     * chain) but named by its key and creation time, which no other request shares: the same UUID every time it is
     * shown, and a new one for a later request of the same file and RSE. Requests written before keep their stored id.
     */
    static String id(Value stored, String key, Value createdAt) {
        if (!stored.isNull()) {
            return stored.asString();
        }
        return UUID.nameUUIDFromBytes((key + "|" + createdAt.asLong()).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static Instant latest(Instant... times) {
        Instant latest = null;
        for (Instant t : times) {
            if (t != null && (latest == null || t.isAfter(latest))) {
                latest = t;
            }
        }
        return latest;
    }
}
