package org.stevedore.bridge.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;
import org.neo4j.driver.Value;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.did.AttachmentStore;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidStore;
import org.stevedore.catalog.did.UpdatedDidQueue;
import org.stevedore.catalog.error.Duplicate;
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
 */
public final class BridgeStore {

    public static final String ACTIVE = "ACTIVE";
    public static final String HELD = "HELD";
    public static final String RELEASED = "RELEASED";

    /**
     * A task to write, validated and expanded to files by the caller. {@code stagedFileKeys} are the input files that
     * join the task's dataset only once a pre-staging campaign has staged them (not at registration).
     */
    public record NewTask(String id, String account, String fingerprint, String rseExpression, List<String> rseIds,
                          long pinLifetimeSeconds, int priority, DidRef dataset, String webhookUrl, String webhookSecret,
                          List<NewJob> jobs, List<String> fileKeys, java.util.Set<String> stagedFileKeys) {

        public NewTask {
            stagedFileKeys = stagedFileKeys == null ? java.util.Set.of() : java.util.Set.copyOf(stagedFileKeys);
        }
    }

    public record NewJob(String id, List<String> fileKeys) {
    }

    /** A task as stored, with the number of its jobs in each state. */
    public record Task(String id, String account, String state, String rseExpression, List<String> rseIds,
                       long pinLifetimeSeconds, int priority, String ruleId, String datasetKey, String fingerprint,
                       long releaseSeq, Instant leaseExpiresAt, Instant createdAt, Instant updatedAt,
                       Map<String, Long> jobCounts, String webhookUrl, List<String> scopes,
                       List<String> outputDatasets, String campaignId) {
    }

    /** A job with the keys of its input files. */
    public record Job(String id, String taskId, String state, Long seq, List<String> files, Instant releasedAt,
                      Instant endedAt) {
    }

    /** Jobs of one task released in one transaction, with the range of release sequence numbers they took. */
    public record Released(String taskId, List<String> jobIds, long fromSeq, long toSeq) {
    }

    /** An AVAILABLE replica of a job's input on one of its task's RSEs. */
    public record JobReplica(String key, String scope, String name, Long bytes, String adler32, String rseId, String rse,
                             String path) {
    }

    /** What ending a job did. */
    public record Ended(Task task, Job job, boolean changed, List<String> unpinnedFiles, boolean taskFinished) {
    }

    /** Called inside the release transaction, once per task per batch (webhook deliveries, for one). */
    @FunctionalInterface
    public interface ReleaseHook {
        void released(TransactionContext tx, Released released, long now);

        static ReleaseHook none() {
            return (tx, r, now) -> { };
        }
    }

    private final Store store;
    private final DidStore dids;
    private final AttachmentStore attachments;
    private final UpdatedDidQueue updatedDids;

    public BridgeStore(Store store, DidStore dids, AttachmentStore attachments, UpdatedDidQueue updatedDids) {
        this.store = store;
        this.dids = dids;
        this.attachments = attachments;
        this.updatedDids = updatedDids;
    }

    public Store store() {
        return store;
    }

    // ---- registration -------------------------------------------------------------------------------------

    /**
     * Writes a task, its jobs and its dataset (holding every input file) in one transaction. Refuses job ids that
     * exist already (in another task); the caller checks the task id itself first.
     */
    public void insert(NewTask task, long now) {
        List<Map<String, Object>> datasetRows = dids.rows(List.of(org.stevedore.catalog.did.NewDid.collection(
                task.dataset().scope(), task.dataset().name(), org.stevedore.catalog.did.DidType.DATASET, task.account())));
        List<Map<String, Object>> jobRows = new ArrayList<>(task.jobs().size());
        for (NewJob j : task.jobs()) {
            jobRows.add(Map.of("id", j.id(), "files", j.fileKeys()));
        }
        Map<String, Object> props = new HashMap<>();
        props.put("id", task.id());
        props.put("account", task.account());
        props.put("state", ACTIVE);
        props.put("fingerprint", task.fingerprint());
        props.put("rse_expression", task.rseExpression());
        props.put("rse_ids", task.rseIds());
        props.put("pin_lifetime_s", task.pinLifetimeSeconds());
        props.put("priority", task.priority());
        props.put("dataset_key", task.dataset().key());
        props.put("webhook_url", task.webhookUrl());
        props.put("webhook_secret", task.webhookSecret());
        props.put("release_seq", 0L);
        props.put("lease_expires_at", now + task.pinLifetimeSeconds() * 1000);
        props.put("leased_at", now);
        props.put("created_at", now);
        props.put("updated_at", now);
        props.put("hash_bucket", Partition.bucket(task.id()));
        props.put("scopes", task.fileKeys().stream().map(k -> k.substring(0, k.indexOf(':'))).distinct().sorted().toList());
        int batch = store.batchSize();
        store.write(tx -> {
            List<String> taken = new ArrayList<>();
            for (int from = 0; from < jobRows.size() && taken.size() < 5; from += batch) {
                taken.addAll(tx.run("UNWIND $ids AS id MATCH (j:BridgeJob {id: id}) RETURN j.id AS id LIMIT 5",
                        Map.of("ids", jobRows.subList(from, Math.min(jobRows.size(), from + batch)).stream()
                                .map(r -> r.get("id")).toList())).list(r -> r.get("id").asString()));
            }
            if (!taken.isEmpty()) {
                throw new Duplicate("Job id(s) already used by another task: " + String.join(", ", taken));
            }
            dids.create(tx, datasetRows);
            attachments.attachIn(tx, new AttachmentStore.Attachment(task.dataset(), task.fileKeys().stream()
                    .filter(k -> !task.stagedFileKeys().contains(k)).map(DidRef::fromKey).toList()), true);
            tx.run("CREATE (t:BridgeTask) SET t = $props", Map.of("props", props)).consume();
            for (int from = 0; from < jobRows.size(); from += batch) {
                tx.run("""
                        MATCH (t:BridgeTask {id: $task})
                        UNWIND $rows AS row
                        CREATE (t)-[:HAS_JOB]->(j:BridgeJob {id: row.id, task_id: $task, state: 'HELD', created_at: $now,
                                                            updated_at: $now, file_count: size(row.files)})
                        WITH j, row
                        UNWIND row.files AS k
                        MATCH (f:Did {key: k})
                        CREATE (j)-[:NEEDS]->(f)
                        """, Map.of("task", task.id(), "rows", jobRows.subList(from, Math.min(jobRows.size(), from + batch)),
                        "now", now)).consume();
            }
            return null;
        });
    }


    /** Remembers an output dataset of a task (scope:name), to be closed when the task ends. */
    public void addOutputDataset(String taskId, String datasetKey) {
        store.write(tx -> tx.run("""
                MATCH (t:BridgeTask {id: $id}) WHERE NOT $key IN coalesce(t.output_datasets, [])
                SET t.output_datasets = coalesce(t.output_datasets, []) + $key
                """, Map.of("id", taskId, "key", datasetKey)).consume());
    }

    /**
     * Input files that still wait to join the task's dataset: needed by a HELD or RELEASED job, not in the dataset.
     * Right after registration these are the files left to the task's campaign; files whose jobs all ended are not.
     */
    public List<String> waitingToJoin(String taskId) {
        return store.read(tx -> tx.run("""
                MATCH (t:BridgeTask {id: $id})
                MATCH (ds:Did {key: t.dataset_key})
                MATCH (t)-[:HAS_JOB]->(j:BridgeJob)-[:NEEDS]->(f:Did) WHERE j.state IN ['HELD', 'RELEASED']
                  AND NOT (ds)-[:CONTAINS]->(f)
                RETURN DISTINCT f.key AS key ORDER BY key
                """, Map.of("id", taskId)).list(r -> r.get("key").asString()));
    }

    /**
     * Records the pre-staging campaign that brings the task's tape inputs back, unless the task has one already (a
     * registration and its retry racing): answers whether this one was recorded.
     */
    public boolean setCampaignIfNone(String taskId, String campaignId, long now) {
        return store.write(tx -> tx.run("""
                MATCH (t:BridgeTask {id: $id}) SET t.locked_at = $now
                WITH t WHERE t.campaign_id IS NULL
                SET t.campaign_id = $campaign
                RETURN count(t) AS n
                """, Map.of("id", taskId, "campaign", campaignId, "now", now))
                .single().get("n").asInt() == 1);
    }

    /**
     * Of {@code fileKeys}, the files with no AVAILABLE replica on a non-TAPE RSE but with one or more on TAPE RSEs,
     * with the names of those tape RSEs (sorted).
     */
    public Map<String, List<String>> tapeOnly(List<String> fileKeys) {
        Map<String, List<String>> out = new HashMap<>();
        int batch = store.batchSize();
        for (int from = 0; from < fileKeys.size(); from += batch) {
            List<String> chunk = fileKeys.subList(from, Math.min(fileKeys.size(), from + batch));
            store.read(tx -> tx.run("""
                    UNWIND $keys AS k
                    MATCH (f:Did {key: k})
                    WHERE NOT EXISTS { MATCH (f)-[:REPLICA {state: 'AVAILABLE'}]->(r:Rse) WHERE r.rse_type <> 'TAPE' }
                    MATCH (f)-[:REPLICA {state: 'AVAILABLE'}]->(t:Rse {rse_type: 'TAPE'})
                    WITH k, t.rse AS rse ORDER BY rse
                    RETURN k, collect(rse) AS tapes
                    """, Map.of("keys", chunk)).list()).forEach(r ->
                    out.put(r.get("k").asString(), r.get("tapes").asList(Value::asString)));
        }
        return out;
    }

    public void setRule(String taskId, String ruleId) {
        store.write(tx -> tx.run("MATCH (t:BridgeTask {id: $id}) SET t.rule_id = $rule",
                Map.of("id", taskId, "rule", ruleId)).consume());
    }

    /** Undoes {@link #insert} (the pin rule could not be created): task, jobs, dataset and its queued changes. */
    public void remove(String taskId) {
        store.write(tx -> {
            tx.run("""
                    MATCH (t:BridgeTask {id: $id})
                    OPTIONAL MATCH (d:Did {key: t.dataset_key})
                    OPTIONAL MATCH (u:UpdatedDid {scope: d.scope, name: d.name})
                    DETACH DELETE u, d
                    """, Map.of("id", taskId)).consume();
            tx.run("MATCH (t:BridgeTask {id: $id}) OPTIONAL MATCH (t)-[:HAS_JOB]->(j) DETACH DELETE j, t",
                    Map.of("id", taskId)).consume();
            return null;
        });
    }

    /**
     * Which of {@code fileKeys} exist, and the files each one stands for: a file itself, the files under a dataset or
     * container. Keys that do not exist are absent from the answer.
     */
    public Map<String, List<String>> expand(List<String> fileKeys) {
        Map<String, List<String>> out = new HashMap<>();
        store.read(tx -> {
            tx.run("""
                    UNWIND $keys AS k
                    MATCH (d:Did {key: k})
                    OPTIONAL MATCH (d)-[:CONTAINS*0..]->(f:Did {did_type: 'FILE'})
                    RETURN k, collect(DISTINCT f.key) AS files
                    """, Map.of("keys", fileKeys)).list().forEach(r ->
                    out.put(r.get("k").asString(), r.get("files").asList(Value::asString)));
            return null;
        });
        return out;
    }

    // ---- reads --------------------------------------------------------------------------------------------

    private static final String TASK_COLUMNS = """
            t.id AS id, t.account AS account, t.state AS state, t.rse_expression AS rse_expression, t.rse_ids AS rse_ids,
            t.pin_lifetime_s AS pin, t.priority AS priority, t.rule_id AS rule_id, t.dataset_key AS dataset_key,
            t.fingerprint AS fingerprint, t.release_seq AS release_seq, t.lease_expires_at AS lease,
            t.created_at AS created_at, t.updated_at AS updated_at, t.webhook_url AS webhook_url, t.scopes AS scopes,
            t.output_datasets AS outputs, t.campaign_id AS campaign_id""";

    public Optional<Task> task(String id) {
        return store.read(tx -> task(tx, id));
    }

    private static Optional<Task> task(TransactionContext tx, String id) {
        List<Record> rows = tx.run("MATCH (t:BridgeTask {id: $id}) RETURN " + TASK_COLUMNS, Map.of("id", id)).list();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Long> counts = new HashMap<>();
        tx.run("MATCH (:BridgeTask {id: $id})-[:HAS_JOB]->(j) RETURN j.state AS state, count(*) AS n", Map.of("id", id))
                .list().forEach(r -> counts.put(r.get("state").asString(), r.get("n").asLong()));
        Record r = rows.get(0);
        return Optional.of(new Task(r.get("id").asString(), r.get("account").asString(), r.get("state").asString(),
                r.get("rse_expression").asString(), r.get("rse_ids").asList(Value::asString), r.get("pin").asLong(),
                r.get("priority").asInt(), Values.str(r.get("rule_id")), r.get("dataset_key").asString(),
                Values.str(r.get("fingerprint")), r.get("release_seq").asLong(0), Times.instant(r.get("lease")),
                Times.instant(r.get("created_at")), Times.instant(r.get("updated_at")), Map.copyOf(counts),
                Values.str(r.get("webhook_url")), strings(r.get("scopes")), strings(r.get("outputs")),
                Values.str(r.get("campaign_id"))));
    }

    private static List<String> strings(Value v) {
        return v.isNull() ? List.of() : v.asList(Value::asString);
    }

    private static final String JOB_COLUMNS = """
            j.id AS id, j.task_id AS task_id, j.state AS state, j.seq AS seq, j.released_at AS released_at,
            j.ended_at AS ended_at, [(j)-[:NEEDS]->(f) | f.key] AS files""";

    private static Job job(Record r) {
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

    // ---- the release gate ---------------------------------------------------------------------------------

    /** ACTIVE tasks with a HELD job needing one of {@code fileKeys}. */
    public List<String> tasksWaitingOn(List<String> fileKeys) {
        return store.read(tx -> tx.run("""
                UNWIND $keys AS k
                MATCH (:Did {key: k})<-[:NEEDS]-(j:BridgeJob {state: 'HELD'})
                RETURN DISTINCT j.task_id AS task ORDER BY task
                """, Map.of("keys", fileKeys)).list(r -> r.get("task").asString()));
    }

    /** ACTIVE tasks of a partition, with the expression and RSE ids their gate uses. */
    public List<Map.Entry<String, Map.Entry<String, List<String>>>> activeTasks(Partition partition) {
        return store.read(tx -> tx.run("""
                MATCH (t:BridgeTask {state: 'ACTIVE'}) WHERE %s
                RETURN t.id AS id, t.rse_expression AS expression, t.rse_ids AS rse_ids ORDER BY t.id
                """.formatted(partition.cypherFilter("t")), partition.cypherParams()).list(r -> Map.entry(
                r.get("id").asString(), Map.entry(r.get("expression").asString(), r.get("rse_ids").asList(Value::asString)))));
    }

    /** Replaces the RSE ids a task's gate accepts (its expression resolved anew). */
    public void setRseIds(String taskId, List<String> rseIds) {
        store.write(tx -> tx.run("MATCH (t:BridgeTask {id: $id}) SET t.rse_ids = $ids",
                Map.of("id", taskId, "ids", rseIds)).consume());
    }

    /**
     * The gate. In one transaction, for each of {@code taskIds} that is ACTIVE: takes the task's lock, then releases
     * every HELD job (needing one of {@code fileKeys}, or any when null) all of whose files have an AVAILABLE replica
     * on one of the task's RSEs, numbering them from the task's release counter. {@code hook} runs in the same
     * transaction for each task that released something.
     */
    public List<Released> release(List<String> taskIds, List<String> fileKeys, long now, ReleaseHook hook) {
        if (taskIds.isEmpty()) {
            return List.of();
        }
        List<String> sorted = List.copyOf(new TreeSet<>(taskIds));
        Map<String, Object> params = new HashMap<>();
        params.put("tasks", sorted);
        params.put("keys", fileKeys);
        params.put("now", now);
        return store.write(tx -> {
            lock(tx, sorted, now);
            String candidates = fileKeys == null ? """
                    UNWIND $tasks AS tid
                    MATCH (t:BridgeTask {id: tid, state: 'ACTIVE'})-[:HAS_JOB]->(j:BridgeJob {state: 'HELD'})
                    WITH DISTINCT t, j
                    """ : """
                    UNWIND $keys AS k
                    MATCH (:Did {key: k})<-[:NEEDS]-(j:BridgeJob {state: 'HELD'})
                    WITH DISTINCT j WHERE j.task_id IN $tasks
                    MATCH (t:BridgeTask {id: j.task_id, state: 'ACTIVE'})
                    """;
            return releaseIn(tx, candidates, params, now, hook);
        });
    }

    /** What one slice of a task's full check did: its releases, and the last job it looked at (null: no more). */
    public record Slice(List<Released> released, String lastJobId) {
    }

    /**
     * One slice of the full check of a task: in one transaction under the task's lock, looks at up to {@code limit}
     * of its HELD jobs with ids above {@code afterJobId} (in id order) and releases those whose files are all on the
     * task's RSEs. Slicing keeps each transaction, and the release worker's pass, short for tasks of many jobs.
     */
    public Slice releaseSlice(String taskId, String afterJobId, int limit, long now, ReleaseHook hook) {
        Map<String, Object> params = new HashMap<>();
        params.put("task", taskId);
        params.put("after", afterJobId == null ? "" : afterJobId);
        params.put("limit", limit);
        params.put("now", now);
        return store.write(tx -> {
            lock(tx, List.of(taskId), now);
            // Ordered as the (task_id, state, id) index is, so the slice is read from it without a sort.
            List<String> ids = tx.run("""
                    MATCH (j:BridgeJob) WHERE j.task_id = $task AND j.state = 'HELD' AND j.id > $after
                    RETURN j.id AS id ORDER BY j.task_id, j.state, j.id LIMIT $limit
                    """, params).list(r -> r.get("id").asString());
            if (ids.isEmpty()) {
                return new Slice(List.of(), null);
            }
            params.put("jobs", ids);
            List<Released> released = releaseIn(tx, """
                    MATCH (t:BridgeTask {id: $task, state: 'ACTIVE'})
                    UNWIND $jobs AS jid
                    MATCH (j:BridgeJob {id: jid}) WHERE j.state = 'HELD'
                    """, params, now, hook);
            return new Slice(released, ids.size() < limit ? null : ids.get(ids.size() - 1));
        });
    }

    /** The release itself, after {@code candidates} bound {@code t} (the task, locked) and {@code j} (HELD jobs). */
    private static List<Released> releaseIn(TransactionContext tx, String candidates, Map<String, Object> params,
                                            long now, ReleaseHook hook) {
        List<Released> released = tx.run(candidates + """
                WITH t, j WHERE NOT EXISTS {
                  MATCH (j)-[:NEEDS]->(f:Did)
                  WHERE NOT EXISTS { MATCH (f)-[:REPLICA {state: 'AVAILABLE'}]->(r:Rse) WHERE r.id IN t.rse_ids }
                }
                WITH t, j ORDER BY t.id, j.id
                WITH t, collect(j) AS jobs
                WITH t, jobs, coalesce(t.release_seq, 0) AS base
                SET t.release_seq = base + size(jobs), t.updated_at = $now
                WITH t, jobs, base
                UNWIND range(0, size(jobs) - 1) AS i
                WITH t, jobs[i] AS j, base + i + 1 AS seq
                SET j.state = 'RELEASED', j.seq = seq, j.released_at = $now, j.updated_at = $now
                WITH t, j, seq ORDER BY seq
                RETURN t.id AS task, collect(j.id) AS jobs, min(seq) AS from, max(seq) AS to
                """, params).list(r -> new Released(r.get("task").asString(), r.get("jobs").asList(Value::asString),
                r.get("from").asLong(), r.get("to").asLong()));
        for (Released r : released) {
            hook.released(tx, r, now);
        }
        return released;
    }

    /** Takes the write locks of tasks, in id order (so two transactions locking several tasks cannot deadlock). */
    private static void lock(TransactionContext tx, List<String> sortedTaskIds, long now) {
        tx.run("UNWIND $ids AS id MATCH (t:BridgeTask {id: id}) SET t.locked_at = $now",
                Map.of("ids", sortedTaskIds, "now", now)).consume();
    }

    // ---- job end, cancel, lease ---------------------------------------------------------------------------

    /**
     * Ends a job: RELEASED to DONE, FAILED or CANCELLED, or HELD to CANCELLED. Reporting the state a job already has
     * changes nothing. Files no HELD or RELEASED job of the task needs any more are detached from the task's dataset
     * (their pin lock goes with the next re-evaluation); when no job is left HELD or RELEASED the task is FINISHED and
     * its dataset closed.
     *
     * @return empty when there is no such job; the job's state before is in {@link Ended#changed()}
     */
    public Optional<Ended> endJob(String jobId, String state, long now, Transition transition) {
        return store.write(tx -> {
            List<String> taskIds = tx.run("MATCH (j:BridgeJob {id: $id}) RETURN j.task_id AS t", Map.of("id", jobId))
                    .list(r -> r.get("t").asString());
            if (taskIds.isEmpty()) {
                return Optional.empty();
            }
            String taskId = taskIds.get(0);
            lock(tx, taskIds, now);
            String before = tx.run("MATCH (j:BridgeJob {id: $id}) RETURN j.state AS s", Map.of("id", jobId))
                    .single().get("s").asString();
            transition.check(before, state);
            if (before.equals(state)) {
                Task task = task(tx, taskId).orElseThrow();
                Job job = job(tx.run("MATCH (j:BridgeJob {id: $id}) RETURN " + JOB_COLUMNS, Map.of("id", jobId)).single());
                return Optional.of(new Ended(task, job, false, List.of(), false));
            }
            tx.run("MATCH (j:BridgeJob {id: $id}) SET j.state = $state, j.ended_at = $now, j.updated_at = $now",
                    Map.of("id", jobId, "state", state, "now", now)).consume();
            List<String> unpinned = unpinUnneeded(tx, taskId, jobId, now);
            boolean finished = finishIfDone(tx, taskId, now);
            Task task = task(tx, taskId).orElseThrow();
            Job job = job(tx.run("MATCH (j:BridgeJob {id: $id}) RETURN " + JOB_COLUMNS, Map.of("id", jobId)).single());
            return Optional.of(new Ended(task, job, true, unpinned, finished));
        });
    }

    /** Decides whether a job may go from one state to another; throws the domain refusal when it may not. */
    @FunctionalInterface
    public interface Transition {
        void check(String from, String to);
    }

    /** Detaches from the task's dataset the files of a job no unfinished job of the task needs any more. */
    private List<String> unpinUnneeded(TransactionContext tx, String taskId, String jobId, long now) {
        Record r = tx.run("""
                MATCH (t:BridgeTask {id: $task})-[:HAS_JOB]->(:BridgeJob {id: $job})-[:NEEDS]->(f:Did)
                WHERE NOT EXISTS { MATCH (f)<-[:NEEDS]-(o:BridgeJob) WHERE o.task_id = $task AND o.state IN ['HELD', 'RELEASED'] }
                MATCH (d:Did {key: t.dataset_key})-[c:CONTAINS]->(f)
                DELETE c
                WITH d, collect(f.key) AS keys, count(f) AS n, sum(coalesce(f.bytes, 0)) AS bytes
                SET d.length = d.length - n, d.bytes = d.bytes - bytes, d.updated_at = $now
                RETURN d.scope AS scope, d.name AS name, keys
                """, Map.of("task", taskId, "job", jobId, "now", now)).list().stream().findFirst().orElse(null);
        if (r == null) {
            return List.of();
        }
        List<String> keys = r.get("keys").asList(Value::asString);
        updatedDids.push(tx, new DidRef(r.get("scope").asString(), r.get("name").asString()),
                UpdatedDidQueue.Action.DETACH, keys, now);
        return keys;
    }

    private static boolean finishIfDone(TransactionContext tx, String taskId, long now) {
        return !tx.run("""
                MATCH (t:BridgeTask {id: $id, state: 'ACTIVE'})
                WHERE NOT EXISTS { MATCH (t)-[:HAS_JOB]->(j:BridgeJob) WHERE j.state IN ['HELD', 'RELEASED'] }
                SET t.state = 'FINISHED', t.ended_at = $now, t.updated_at = $now
                WITH t
                OPTIONAL MATCH (d:Did {key: t.dataset_key})
                SET d.is_open = false, d.updated_at = $now
                RETURN t.id
                """, Map.of("id", taskId, "now", now)).list().isEmpty();
    }

    /**
     * Ends an ACTIVE task as {@code endState} (CANCELLED or EXPIRED): its HELD and RELEASED jobs become CANCELLED and
     * its dataset is closed. With {@code leaseEndedBy} set, only a task whose lease ended by then (not renewed
     * meanwhile). Answers the task as it was before, or empty when it was not ended (nothing changed).
     */
    public Optional<Task> end(String taskId, String endState, long now, Long leaseEndedBy) {
        return store.write(tx -> {
            lock(tx, List.of(taskId), now);
            Optional<Task> before = task(tx, taskId);
            if (before.isEmpty() || !ACTIVE.equals(before.get().state())) {
                return Optional.empty();
            }
            if (leaseEndedBy != null && before.get().leaseExpiresAt().toEpochMilli() >= leaseEndedBy) {
                return Optional.empty();
            }
            tx.run("""
                    MATCH (t:BridgeTask {id: $id})
                    SET t.state = $state, t.ended_at = $now, t.updated_at = $now
                    WITH t
                    OPTIONAL MATCH (d:Did {key: t.dataset_key})
                    SET d.is_open = false, d.updated_at = $now
                    WITH t
                    MATCH (t)-[:HAS_JOB]->(j:BridgeJob) WHERE j.state IN ['HELD', 'RELEASED']
                    SET j.state = 'CANCELLED', j.ended_at = $now, j.updated_at = $now
                    """, Map.of("id", taskId, "state", endState, "now", now)).consume();
            return before;
        });
    }

    /** ACTIVE tasks whose lease ended before {@code now}, up to {@code limit}. */
    public List<String> leaseExpired(Partition partition, long now, int limit) {
        Map<String, Object> params = new HashMap<>(partition.cypherParams());
        params.put("now", now);
        params.put("limit", limit);
        return store.read(tx -> tx.run("""
                MATCH (t:BridgeTask {state: 'ACTIVE'}) WHERE t.lease_expires_at < $now AND %s
                RETURN t.id AS id ORDER BY t.lease_expires_at LIMIT $limit
                """.formatted(partition.cypherFilter("t")), params).list(r -> r.get("id").asString()));
    }

    /**
     * Extends an ACTIVE task's lease to now plus its pin lifetime, and its pin rule's expiry with it, unless the lease
     * was renewed less than {@code minInterval} ms ago (so polling does not write on every call). Answers whether it
     * wrote.
     */
    public boolean refreshLease(String taskId, long now, long minInterval) {
        return store.write(tx -> !tx.run("""
                MATCH (t:BridgeTask {id: $id, state: 'ACTIVE'}) WHERE t.leased_at <= $now - $min
                SET t.leased_at = $now, t.lease_expires_at = $now + t.pin_lifetime_s * 1000
                WITH t
                OPTIONAL MATCH (r:Rule {id: t.rule_id})
                SET r.expires_at = t.lease_expires_at
                RETURN t.id
                """, Map.of("id", taskId, "now", now, "min", minInterval)).list().isEmpty());
    }
}
