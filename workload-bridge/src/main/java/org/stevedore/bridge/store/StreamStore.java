package org.stevedore.bridge.store;

import static org.stevedore.bridge.store.BridgeStore.lock;
import static org.stevedore.bridge.store.BridgeStore.task;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;
import org.stevedore.bridge.store.BridgeStore.Task;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.did.AttachmentStore;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.store.Store;

/**
 * Streaming tasks following their open inputs. Which files still need a job is a query, not a memory: a file under
 * the task's inputs that no job of the task {@code NEEDS}. Asked and answered under the task's lock, in the
 * transaction that creates the jobs, it gives each attached file exactly one job however often it was attached,
 * detached or re-attached, whichever instance asks, and whatever was attached while no instance ran.
 *
 * <p>Layout on the task: {@code streaming: true}, {@code inputs} (the input DIDs), {@code files_per_job} and
 * {@code job_seq} (the number of the task's last job id, {@code <task>-<n>}).
 */
public final class StreamStore {

    /** What one look at a streaming task did: the jobs it made, and the task when it finished with this look. */
    public record Followed(List<String> newJobIds, Optional<Task> finished) {
    }

    private final Store store;
    private final AttachmentStore attachments;

    public StreamStore(Store store, AttachmentStore attachments) {
        this.store = store;
        this.attachments = attachments;
    }

    /** The ACTIVE streaming tasks of a partition, by id after {@code afterId}, up to {@code limit}. */
    public List<String> streaming(Partition partition, String afterId, int limit) {
        Map<String, Object> params = new HashMap<>(partition.cypherParams());
        params.put("after", afterId);
        params.put("limit", limit);
        return store.read(tx -> tx.run("""
                MATCH (t:BridgeTask {state: 'ACTIVE'}) WHERE t.streaming = true AND t.id > $after AND %s
                RETURN t.id AS id ORDER BY id LIMIT $limit
                """.formatted(partition.cypherFilter("t")), params).list(r -> r.get("id").asString()));
    }

    /**
     * Makes the jobs a streaming task's new files call for: one per {@code files_per_job} files not yet in a job of
     * the task (at most {@code maxFiles} files per call), and, once every input is closed, one for the rest. The new
     * jobs' files join the task's dataset (its pin rule copies them). A task whose inputs are all closed, with no file
     * left without a job and no job HELD or RELEASED, is FINISHED here (its dataset closed) and answered.
     */
    public Followed follow(String taskId, int maxFiles, long now) {
        return store.write(tx -> {
            lock(tx, List.of(taskId), now);
            List<Record> rows = tx.run("""
                    MATCH (t:BridgeTask {id: $id, state: 'ACTIVE'}) WHERE t.streaming = true
                    RETURN t.files_per_job AS n, t.job_seq AS seq, t.dataset_key AS dataset
                    """, Map.of("id", taskId)).list();
            if (rows.isEmpty()) {
                return new Followed(List.of(), Optional.empty());
            }
            int perJob = rows.get(0).get("n").asInt();
            long seq = rows.get(0).get("seq").asLong(0);
            boolean open = anyInputOpen(tx, taskId);
            List<String> pending = pending(tx, taskId, maxFiles);
            int whole = pending.size() / perJob * perJob;
            int take = open || pending.size() >= maxFiles ? whole : pending.size();
            List<String> jobIds = new ArrayList<>();
            if (take > 0) {
                List<Map<String, Object>> jobRows = new ArrayList<>();
                List<String> ids = freeIds(tx, taskId, seq, (take + perJob - 1) / perJob);
                for (int from = 0, i = 0; from < take; from += perJob, i++) {
                    jobRows.add(Map.of("id", ids.get(i), "files", pending.subList(from, Math.min(take, from + perJob))));
                }
                jobIds.addAll(ids);
                String last = ids.get(ids.size() - 1);
                seq = Long.parseLong(last.substring(taskId.length() + 1));
                List<String> files = pending.subList(0, take);
                attachments.attachIn(tx, new AttachmentStore.Attachment(DidRef.fromKey(rows.get(0).get("dataset")
                        .asString()), files.stream().map(DidRef::fromKey).toList()), true);
                tx.run("""
                        MATCH (t:BridgeTask {id: $task})
                        UNWIND $rows AS row
                        CREATE (t)-[:HAS_JOB]->(j:BridgeJob {id: row.id, task_id: $task, state: 'HELD', created_at: $now,
                                                            updated_at: $now, file_count: size(row.files)})
                        WITH j, row
                        UNWIND row.files AS k
                        MATCH (f:Did {key: k})
                        CREATE (j)-[:NEEDS]->(f)
                        """, Map.of("task", taskId, "rows", jobRows, "now", now)).consume();
                List<String> scopes = files.stream().map(k -> k.substring(0, k.indexOf(':'))).distinct().toList();
                tx.run("""
                        MATCH (t:BridgeTask {id: $id})
                        SET t.job_seq = $seq, t.updated_at = $now,
                            t.scopes = [s IN coalesce(t.scopes, []) WHERE NOT s IN $scopes] + $scopes
                        """, Map.of("id", taskId, "seq", seq, "now", now, "scopes", scopes)).consume();
            }
            // New jobs are HELD: only a look that found nothing left to do can finish the task.
            boolean finished = !open && pending.isEmpty() && finishIfDone(tx, taskId, true, now);
            return new Followed(jobIds, finished ? task(tx, taskId) : Optional.empty());
        });
    }

    /**
     * Whether a task may finish as far as its inputs go: true for a task that does not stream; for a streaming task,
     * only when every input is closed and every file under them has a job. Read under the task's lock.
     */
    static boolean streamDone(TransactionContext tx, String taskId) {
        boolean streaming = tx.run("MATCH (t:BridgeTask {id: $id}) RETURN coalesce(t.streaming, false) AS s",
                Map.of("id", taskId)).list(r -> r.get("s").asBoolean()).stream().findFirst().orElse(false);
        return !streaming || !anyInputOpen(tx, taskId) && pending(tx, taskId, 1).isEmpty();
    }

    /**
     * FINISHES an ACTIVE task with no job HELD or RELEASED (its dataset closed), when {@code streamDone}; answers
     * whether it did.
     */
    static boolean finishIfDone(TransactionContext tx, String taskId, boolean streamDone, long now) {
        if (!streamDone) {
            return false;
        }
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

    private static boolean anyInputOpen(TransactionContext tx, String taskId) {
        return tx.run("""
                MATCH (t:BridgeTask {id: $id})
                UNWIND t.inputs AS k
                MATCH (d:Did {key: k}) WHERE d.did_type <> 'FILE' AND coalesce(d.is_open, false)
                RETURN count(d) > 0 AS open
                """, Map.of("id", taskId)).single().get("open").asBoolean();
    }

    /** Files under the task's inputs that no job of the task needs, by key, up to {@code limit}. */
    private static List<String> pending(TransactionContext tx, String taskId, int limit) {
        return tx.run("""
                MATCH (t:BridgeTask {id: $id})
                UNWIND t.inputs AS k
                MATCH (:Did {key: k})-[:CONTAINS*0..]->(f:Did {did_type: 'FILE'})
                WITH DISTINCT f
                WHERE NOT EXISTS { MATCH (f)<-[:NEEDS]-(j:BridgeJob) WHERE j.task_id = $id }
                RETURN f.key AS key ORDER BY key LIMIT $limit
                """, Map.of("id", taskId, "limit", limit)).list(r -> r.get("key").asString());
    }

    /**
     * {@code count} job ids {@code <task>-<n>} after {@code seq}, in order, skipping ids another task gave its jobs
     * (a listed job may be called anything): job ids are unique across tasks.
     */
    private static List<String> freeIds(TransactionContext tx, String taskId, long seq, int count) {
        List<String> free = new ArrayList<>(count);
        long next = seq + 1;
        while (free.size() < count) {
            List<String> candidates = new ArrayList<>();
            for (int i = 0; i < count - free.size(); i++) {
                candidates.add(taskId + "-" + next++);
            }
            Set<String> taken = new HashSet<>(tx.run("UNWIND $ids AS id MATCH (j:BridgeJob {id: id}) RETURN j.id AS id",
                    Map.of("ids", candidates)).list(r -> r.get("id").asString()));
            candidates.stream().filter(id -> !taken.contains(id)).forEach(free::add);
        }
        return free;
    }
}
