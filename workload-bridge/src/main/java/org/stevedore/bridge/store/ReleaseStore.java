package org.stevedore.bridge.store;

import static org.stevedore.bridge.store.BridgeStore.lock;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.neo4j.driver.TransactionContext;
import org.neo4j.driver.Value;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.store.Store;

/**
 * The release gate's store: which tasks wait on which files, and the release itself, a job going from HELD to RELEASED
 * with the next number of its task's release sequence (the cursor of the feed), under the task's lock (see
 * {@link BridgeStore}).
 */
public final class ReleaseStore {

    /**
     * Jobs of one task released in one transaction, with the range of release sequence numbers they took, and for
     * each job how long it waited after its last input became AVAILABLE on one of the task's RSEs (milliseconds; the
     * replica's last update stands for that moment).
     */
    public record Released(String taskId, List<String> jobIds, long fromSeq, long toSeq, List<Long> waitedMillis) {
        public Released {
            jobIds = List.copyOf(jobIds);
            waitedMillis = List.copyOf(waitedMillis);
        }
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

    public ReleaseStore(Store store) {
        this.store = store;
    }

    public Store store() {
        return store;
    }


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
                SET j.state = 'RELEASED', j.seq = seq, j.released_at = $now, j.updated_at = $now, j.held_reason = null
                WITH t, j, seq
                CALL {
                  WITH t, j
                  MATCH (j)-[:NEEDS]->(f:Did)
                  CALL {
                    WITH t, f
                    MATCH (f)-[r:REPLICA {state: 'AVAILABLE'}]->(x:Rse) WHERE x.id IN t.rse_ids
                    RETURN min(coalesce(r.updated_at, r.created_at, $now)) AS at
                  }
                  RETURN max(at) AS ready_at
                }
                WITH t, j, seq, $now - coalesce(ready_at, $now) AS waited ORDER BY seq
                RETURN t.id AS task, collect(j.id) AS jobs, min(seq) AS from, max(seq) AS to, collect(waited) AS waited
                """, params).list(r -> new Released(r.get("task").asString(), r.get("jobs").asList(Value::asString),
                r.get("from").asLong(), r.get("to").asLong(), r.get("waited").asList(Value::asLong)));
        for (Released r : released) {
            hook.released(tx, r, now);
        }
        return released;
    }
}
