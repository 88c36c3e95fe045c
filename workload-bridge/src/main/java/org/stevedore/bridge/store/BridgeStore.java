package org.stevedore.bridge.store;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;
import org.neo4j.driver.Value;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Times;
import org.stevedore.catalog.store.Values;

/**
 * Tasks and jobs of the workload bridge.
 *
 * <p>Layout: {@code (:BridgeTask {id, state, account, rse_ids, lease_expires_at, release_seq, rule_id, dataset_key,
 * webhook_url, webhook_secret, campaign_id, ...})-[:HAS_JOB]->(:BridgeJob {id, task_id, state, seq})-[:NEEDS]->(:Did)}.
 * The task's input files are also attached to the task's own dataset ({@code dataset_key}), on which the task's pin rule
 * sits: a file detached from it loses the task's lock (through the rules engine's re-evaluation). Inputs on tape only
 * are attached later, by the task's pre-staging campaign ({@code campaign_id}) as they are staged.
 *
 * <p>Every change to a task's jobs first takes the task node's write lock ({@link #lock}), then reads: so two
 * releases of one task never interleave, and the release sequence ({@code release_seq}, the cursor of the feed) grows
 * in commit order.
 *
 * <p>This class holds the reads of tasks and jobs (the feed among them) and what the other bridge stores share; the
 * writes are split along their seams: {@link TaskRegistrationStore} (registration), {@link ReleaseStore} (the release
 * gate), {@link TaskEndStore} (ends of jobs and tasks) and {@link LeaseStore} (leases).
 */
public final class BridgeStore {

    public static final String ACTIVE = "ACTIVE";
    public static final String HELD = "HELD";
    public static final String RELEASED = "RELEASED";

    /** A task as stored, with the number of its jobs in each state. */
    public record Task(String id, String account, String state, String rseExpression, List<String> rseIds,
                       long pinLifetimeSeconds, int priority, String ruleId, String datasetKey, String fingerprint,
                       long releaseSeq, Instant leaseExpiresAt, Instant createdAt, Instant updatedAt,
                       Map<String, Long> jobCounts, String webhookUrl, List<String> scopes,
                       List<String> outputDatasets, String campaignId, boolean streaming) {
    }

    /** A job with the keys of its input files. */
    public record Job(String id, String taskId, String state, Long seq, List<String> files, Instant releasedAt,
                      Instant endedAt) {
    }

    /** An AVAILABLE replica of a job's input on one of its task's RSEs. */
    public record JobReplica(String key, String scope, String name, Long bytes, String adler32, String rseId, String rse,
                             String path) {
    }

    private final Store store;

    public BridgeStore(Store store) {
        this.store = store;
    }

    public Store store() {
        return store;
    }

    // ---- reads --------------------------------------------------------------------------------------------

    private static final String TASK_COLUMNS = """
            t.id AS id, t.account AS account, t.state AS state, t.rse_expression AS rse_expression, t.rse_ids AS rse_ids,
            t.pin_lifetime_s AS pin, t.priority AS priority, t.rule_id AS rule_id, t.dataset_key AS dataset_key,
            t.fingerprint AS fingerprint, t.release_seq AS release_seq, t.lease_expires_at AS lease,
            t.created_at AS created_at, t.updated_at AS updated_at, t.webhook_url AS webhook_url, t.scopes AS scopes,
            t.output_datasets AS outputs, t.campaign_id AS campaign_id,
            coalesce(t.streaming, false) AS streaming""";

    public Optional<Task> task(String id) {
        return store.read(tx -> task(tx, id));
    }

    static Optional<Task> task(TransactionContext tx, String id) {
        List<Record> rows = tx.run("MATCH (t:BridgeTask {id: $id}) RETURN " + TASK_COLUMNS, Map.of("id", id)).list();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Long> counts = new HashMap<>();
        tx.run("MATCH (:BridgeTask {id: $id})-[:HAS_JOB]->(j) RETURN j.state AS state, count(*) AS n", Map.of("id", id))
                .list().forEach(r -> counts.put(r.get("state").asString(), r.get("n").asLong()));
        return Optional.of(task(rows.get(0), counts));
    }

    /**
     * Tasks by id after {@code afterId}, of one account and in one state when given (null: any): one query, with
     * their job counts.
     */
    public List<Task> tasks(String account, String state, String afterId, int limit) {
        Map<String, Object> params = new HashMap<>();
        params.put("account", account);
        params.put("state", state);
        params.put("after", afterId == null ? "" : afterId);
        params.put("limit", limit);
        return store.read(tx -> tx.run("""
                MATCH (t:BridgeTask) WHERE t.id > $after AND ($account IS NULL OR t.account = $account)
                  AND ($state IS NULL OR t.state = $state)
                WITH t ORDER BY t.id LIMIT $limit
                RETURN %s, COLLECT { MATCH (t)-[:HAS_JOB]->(j) WITH j.state AS s, count(*) AS n RETURN [s, n] } AS counts
                ORDER BY id
                """.formatted(TASK_COLUMNS), params).list(r -> {
            Map<String, Long> counts = new HashMap<>();
            r.get("counts").asList(v -> v).forEach(c -> counts.put(c.get(0).asString(), c.get(1).asLong()));
            return task(r, counts);
        }));
    }

    private static Task task(Record r, Map<String, Long> counts) {
        return new Task(r.get("id").asString(), r.get("account").asString(), r.get("state").asString(),
                r.get("rse_expression").asString(), r.get("rse_ids").asList(Value::asString), r.get("pin").asLong(),
                r.get("priority").asInt(), Values.str(r.get("rule_id")), r.get("dataset_key").asString(),
                Values.str(r.get("fingerprint")), r.get("release_seq").asLong(0), Times.instant(r.get("lease")),
                Times.instant(r.get("created_at")), Times.instant(r.get("updated_at")), Map.copyOf(counts),
                Values.str(r.get("webhook_url")), strings(r.get("scopes")), strings(r.get("outputs")),
                Values.str(r.get("campaign_id")), r.get("streaming").asBoolean(false));
    }

    private static List<String> strings(Value v) {
        return v.isNull() ? List.of() : v.asList(Value::asString);
    }

    static final String JOB_COLUMNS = """
            j.id AS id, j.task_id AS task_id, j.state AS state, j.seq AS seq, j.released_at AS released_at,
            j.ended_at AS ended_at, [(j)-[:NEEDS]->(f) | f.key] AS files""";

    static Job job(Record r) {
        return new Job(r.get("id").asString(), r.get("task_id").asString(), r.get("state").asString(),
                Values.lng(r.get("seq")), r.get("files").asList(Value::asString).stream().sorted().toList(),
                Times.instant(r.get("released_at")), Times.instant(r.get("ended_at")));
    }

    public Optional<Job> job(String id) {
        return store.read(tx -> tx.run("MATCH (j:BridgeJob {id: $id}) RETURN " + JOB_COLUMNS, Map.of("id", id))
                .list(BridgeStore::job).stream().findFirst());
    }

    /** Every job of a task, by id. */
    public List<Job> jobs(String taskId) {
        return store.read(tx -> tx.run("MATCH (:BridgeTask {id: $id})-[:HAS_JOB]->(j) RETURN " + JOB_COLUMNS
                + " ORDER BY j.id", Map.of("id", taskId)).list(BridgeStore::job));
    }

    /**
     * The cursor feed: jobs of a task released with a sequence number above {@code afterSeq}, in sequence order (their
     * state now may have moved on to an end state).
     */
    public List<Job> released(String taskId, long afterSeq, int limit) {
        return store.read(tx -> tx.run("""
                MATCH (j:BridgeJob) WHERE j.task_id = $task AND j.seq > $after
                RETURN %s ORDER BY j.seq LIMIT $limit
                """.formatted(JOB_COLUMNS), Map.of("task", taskId, "after", afterSeq, "limit", limit))
                .list(BridgeStore::job));
    }

    /** Jobs of a task now in {@code state}, by id after {@code afterId} (empty for the first page). */
    public List<Job> inState(String taskId, String state, String afterId, int limit) {
        return store.read(tx -> tx.run("""
                MATCH (j:BridgeJob) WHERE j.task_id = $task AND j.state = $state AND j.id > $after
                RETURN %s ORDER BY j.id LIMIT $limit
                """.formatted(JOB_COLUMNS), Map.of("task", taskId, "state", state, "after", afterId == null ? "" : afterId,
                "limit", limit)).list(BridgeStore::job));
    }

    /** The AVAILABLE replicas of a job's inputs on its task's RSEs. */
    public List<JobReplica> replicas(String jobId) {
        return store.read(tx -> tx.run("""
                MATCH (t:BridgeTask)-[:HAS_JOB]->(j:BridgeJob {id: $id})-[:NEEDS]->(f:Did)
                MATCH (f)-[r:REPLICA {state: 'AVAILABLE'}]->(rse:Rse) WHERE rse.id IN t.rse_ids
                RETURN f.key AS key, f.scope AS scope, f.name AS name, f.bytes AS bytes, f.adler32 AS adler32,
                       rse.id AS rse_id, rse.rse AS rse, r.path AS path
                ORDER BY f.key, rse.rse
                """, Map.of("id", jobId)).list(r -> new JobReplica(r.get("key").asString(), r.get("scope").asString(),
                r.get("name").asString(), Values.lng(r.get("bytes")), Values.str(r.get("adler32")),
                r.get("rse_id").asString(), r.get("rse").asString(), Values.str(r.get("path")))));
    }

    /** Takes the write locks of tasks, in id order (so two transactions locking several tasks cannot deadlock). */
    static void lock(TransactionContext tx, List<String> sortedTaskIds, long now) {
        tx.run("UNWIND $ids AS id MATCH (t:BridgeTask {id: id}) SET t.locked_at = $now",
                Map.of("ids", sortedTaskIds, "now", now)).consume();
    }
}
