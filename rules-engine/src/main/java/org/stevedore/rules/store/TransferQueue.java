package org.stevedore.rules.store;

import java.util.List;
import org.neo4j.driver.TransactionContext;

/**
 * The transfers that locks need, as the rules engine asks for them: a port owned by the rules engine so that its
 * stores never write the transfer agent's nodes themselves.
 *
 * <p>Implemented by the transfer agent ({@code org.stevedore.transfer.store.RequestQueue}, which keeps them as
 * {@code (:Request)} nodes) and wired by the application. Called by {@link RuleStore} when locks are written (a
 * missing replica is queued) and when a replica loses its last lock (its transfer, if not under way, is cancelled),
 * and by {@link UndertakerStore} when a file with no replica left is deleted (its transfers go with it).
 *
 * <p>Contract: every method runs in the caller's transaction {@code tx}, opens none of its own and commits nothing, so
 * the transfers change atomically with the locks and replicas that decide them (a failure rolls both back). Each call
 * takes a whole batch and costs one statement, whatever its size: callers call once per batch, never once per file.
 * An empty batch is allowed and costs nothing. Implementations touch only their own nodes.
 */
public interface TransferQueue {

    /**
     * A file copy that needs a transfer: the file, its destination, the file's size, the partition bucket of the pair
     * ({@code Partition.bucket(fileKey + "|" + rseId)}) and whether the destination is a staging area (the transfer is
     * a stage-in), and whether the copy may replace a file already at the destination path ({@code overwrite}).
     *
     * <p>{@code overwrite} is for recovery only: a replica declared bad (corrupt, or found wrong by the consistency
     * check) is copied again to its own path, where the bad bytes may still lie. Ordinary copies never replace an
     * existing different file, so that a stray file fails loudly instead of being lost.
     */
    record Transfer(String fileKey, String rseId, long bytes, long hashBucket, boolean stagingArea, boolean overwrite) {

        /** An ordinary copy: never replaces an existing different file. */
        public Transfer(String fileKey, String rseId, long bytes, long hashBucket, boolean stagingArea) {
            this(fileKey, rseId, bytes, hashBucket, stagingArea, false);
        }
    }

    /**
     * What the rule that wants a batch of copies asks of their transfers: activity, priority and source replica
     * expression (any may be null). One per call, since the copies of one call come from one rule.
     */
    record Origin(String activity, Long priority, String sourceReplicaExpression) {
    }

    /** A file's replica on an RSE, by their keys. */
    record FileAtRse(String fileKey, String rseId) {
    }

    /**
     * Makes sure each file copy has a live transfer (one still on its way to an end: queued, waiting, submitted). A
     * live one for the same file and destination is kept as it is (a copy asked by several rules is transferred
     * once); one that ended (failed for good, or done for a replica since lost) is replaced by a new attempt, with
     * all its retries; otherwise a new one is queued. Callers pass every copy whose replica is not AVAILABLE: only
     * the transfer agent knows whether a transfer is still under way, and a lock waiting for a copy nobody transfers
     * waits for ever. A copy with {@code overwrite} marks its request (kept or new) so; one without leaves a live
     * request's mark as it is and queues a new or revived request without it.
     */
    void queue(TransactionContext tx, Origin origin, List<Transfer> transfers, long now);

    /**
     * Cancels the transfers of these replicas that are not under way yet (queued, or waiting for a limit or a
     * source); one already submitted runs to its end. Replicas without a transfer are ignored.
     */
    void cancelPending(TransactionContext tx, List<FileAtRse> replicas);

    /** Forgets every transfer of these files, whatever its state: the files are being deleted from the catalog. */
    void forgetFiles(TransactionContext tx, List<String> fileKeys);

    /**
     * Which of these copies have no live transfer (none at all, or one that ended): a lock still waiting for such a
     * copy waits for ever. Reads only; for the rules engine's audit of its REPLICATING locks ({@link LockAudit}).
     */
    List<FileAtRse> withoutLiveTransfer(TransactionContext tx, List<FileAtRse> copies);
}
