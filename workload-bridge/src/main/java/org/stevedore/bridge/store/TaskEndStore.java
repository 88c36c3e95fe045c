package org.stevedore.bridge.store;

import static org.stevedore.bridge.store.BridgeStore.ACTIVE;
import static org.stevedore.bridge.store.BridgeStore.JOB_COLUMNS;
import static org.stevedore.bridge.store.BridgeStore.job;
import static org.stevedore.bridge.store.BridgeStore.lock;
import static org.stevedore.bridge.store.BridgeStore.task;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;
import org.neo4j.driver.Value;
import org.stevedore.bridge.store.BridgeStore.Job;
import org.stevedore.bridge.store.BridgeStore.Task;
import org.stevedore.catalog.did.AttachmentStore;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.store.Store;

/**
 * The ends of jobs and tasks, each under the task's lock (see {@link BridgeStore}): a job ending (and with it the files
 * its task no longer needs leaving the task's dataset, and the task finishing with its last job), a task cancelled or
 * expired, and the output datasets to close when it ends.
 */
public final class TaskEndStore {

    /** What ending a job did. */
    public record Ended(Task task, Job job, boolean changed, List<String> unpinnedFiles, boolean taskFinished) {
    }

    private final Store store;
    private final AttachmentStore attachments;

    public TaskEndStore(Store store, AttachmentStore attachments) {
        this.store = store;
        this.attachments = attachments;
    }

    /** Remembers an output dataset of a task (scope:name), to be closed when the task ends. */
    public void addOutputDataset(String taskId, String datasetKey) {
        // The task's write lock first, then the read: jobs ending at once must not add the dataset twice.
        store.write(tx -> tx.run("""
                MATCH (t:BridgeTask {id: $id}) SET t.locked_at = $now
                WITH t WHERE NOT $key IN coalesce(t.output_datasets, [])
                SET t.output_datasets = coalesce(t.output_datasets, []) + $key
                """, Map.of("id", taskId, "key", datasetKey, "now", System.currentTimeMillis())).consume());
    }

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

    /**
     * Detaches from the task's dataset the files of a job no unfinished job of the task needs any more: found here,
     * detached by the catalog's attachment store (which keeps the dataset's counters and queues the change for rules),
     * in this transaction.
     */
    private List<String> unpinUnneeded(TransactionContext tx, String taskId, String jobId, long now) {
        Record r = tx.run("""
                MATCH (t:BridgeTask {id: $task})-[:HAS_JOB]->(:BridgeJob {id: $job})-[:NEEDS]->(f:Did)
                WHERE NOT EXISTS { MATCH (f)<-[:NEEDS]-(o:BridgeJob) WHERE o.task_id = $task AND o.state IN ['HELD', 'RELEASED'] }
                MATCH (d:Did {key: t.dataset_key})-[:CONTAINS]->(f)
                RETURN d.scope AS scope, d.name AS name, collect(f.key) AS keys
                """, Map.of("task", taskId, "job", jobId)).list().stream().findFirst().orElse(null);
        if (r == null) {
            return List.of();
        }
        List<String> keys = r.get("keys").asList(Value::asString);
        attachments.detachIn(tx, new DidRef(r.get("scope").asString(), r.get("name").asString()), keys, now);
        return keys;
    }

    /** A task FINISHES with its last job, unless it streams and its inputs may still bring files (StreamStore). */
    private static boolean finishIfDone(TransactionContext tx, String taskId, long now) {
        return StreamStore.finishIfDone(tx, taskId, StreamStore.streamDone(tx, taskId), now);
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
}
