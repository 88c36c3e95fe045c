package org.stevedore.bridge.store;

import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.neo4j.driver.TransactionContext;
import org.stevedore.tape.store.StagedFileDemand;

/**
 * The bridge's answer to the tape side's {@link StagedFileDemand}: which of a task's pre-staged files its jobs still
 * need, so that the task's campaign attaches only those to the task's dataset. A job that ended while its files were
 * on tape no longer needs them, and {@link BridgeStore#endJob} detached what it needed from the dataset; attaching
 * such files again would pin them for nothing. Both sides take the task's write lock first, in their own
 * transaction, so they never interleave.
 */
public final class TaskFileDemand implements StagedFileDemand {

    private final Clock clock;

    public TaskFileDemand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public boolean lockTask(TransactionContext tx, String taskId) {
        List<String> state = tx.run("MATCH (t:BridgeTask {id: $task}) SET t.locked_at = $now RETURN t.state AS state",
                Map.of("task", taskId, "now", clock.millis())).list(r -> r.get("state").asString());
        return !state.isEmpty() && "ACTIVE".equals(state.get(0));
    }

    @Override
    public Set<String> stillNeeded(TransactionContext tx, String taskId, List<String> fileKeys) {
        if (fileKeys.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(tx.run("""
                UNWIND $keys AS k
                WITH k WHERE EXISTS {
                  MATCH (:Did {key: k})<-[:NEEDS]-(j:BridgeJob {task_id: $task})
                  WHERE j.state IN ['HELD', 'RELEASED'] }
                RETURN k AS key
                """, Map.of("keys", fileKeys, "task", taskId)).list(r -> r.get("key").asString()));
    }
}
