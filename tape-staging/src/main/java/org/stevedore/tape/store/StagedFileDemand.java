package org.stevedore.tape.store;

import java.util.List;
import java.util.Set;
import org.neo4j.driver.TransactionContext;

/**
 * Which of a campaign's staged files its target still needs, asked of the module that owns the target. A campaign
 * whose target is a workload bridge task ({@link CampaignTarget#bridgeTaskId()}) hands on only the files the task's
 * jobs still need; the bridge sits above the tape side, so the tape side asks through this port instead of reading
 * the bridge's nodes.
 *
 * <p>Contract. Implemented by the workload bridge ({@code org.stevedore.bridge.store.TaskFileDemand}); called by
 * {@link CampaignCopyStore#attachStaged} inside its own write transaction {@code tx}, which then attaches the needed
 * files to the target dataset and marks every file ATTACHED or LEFT_OUT in that same transaction. The caller first
 * {@linkplain #lockTask locks the task}, before it reads which of its files are staged and not handed on yet, then asks
 * which of those files are {@linkplain #stillNeeded still needed}. The lock is the one the task's job ends take, so a
 * job ending concurrently either runs before (its files are seen as no longer needed) or after (it sees them
 * attached), and two attachments for the same task never interleave. The implementation writes nothing but the lock
 * and costs one round trip per call, whatever the number of files.
 *
 * <p>A campaign without a bridge task never asks. A process without a workload bridge (tape-staging's own tests, the
 * campaign bench) passes {@link #none()}.
 */
public interface StagedFileDemand {

    /**
     * Takes the write lock of bridge task {@code taskId} in {@code tx} and answers whether the task is ACTIVE (false
     * when it ended or no longer exists: then none of its files is needed).
     */
    boolean lockTask(TransactionContext tx, String taskId);

    /**
     * Of {@code fileKeys} (DID keys, {@code scope:name}), those that a HELD or RELEASED job of task {@code taskId}
     * still needs; called in {@code tx} after {@link #lockTask} answered true.
     */
    Set<String> stillNeeded(TransactionContext tx, String taskId, List<String> fileKeys);

    /**
     * For a process that runs no workload bridge, so that no campaign there has a bridge task as its target: asked
     * anyway, it refuses with an {@link IllegalStateException} rather than guess, since leaving the files out of the
     * target could not be undone (the attachment is retried by the next call instead).
     */
    static StagedFileDemand none() {
        return new StagedFileDemand() {
            @Override
            public boolean lockTask(TransactionContext tx, String taskId) {
                throw refused(taskId);
            }

            @Override
            public Set<String> stillNeeded(TransactionContext tx, String taskId, List<String> fileKeys) {
                throw refused(taskId);
            }

            private IllegalStateException refused(String taskId) {
                return new IllegalStateException("Campaign target names bridge task '" + taskId
                        + "' but this process runs no workload bridge to ask which staged files it needs");
            }
        };
    }
}
