package org.stevedore.catalog.daemon;

/**
 * One kind of background work (submitter, poller, reaper, ...), driven by a {@link Daemon}. The daemon heartbeats,
 * then hands the worker its current partition; the worker takes only the work that partition owns.
 *
 * <p>A cycle should handle a bounded batch and return: the heartbeat is renewed between cycles, so a cycle longer
 * than the heartbeat timeout makes the other workers think this one is dead. Per-item errors are the worker's to
 * classify (retry later or give up); anything it throws makes the daemon log, back off and try again.
 */
public interface Worker {

    /** The daemon name shared by every instance of this worker across processes, e.g. {@code "conveyor-submitter"}. */
    String executable();

    /** Does one batch of the work {@code partition} owns. */
    WorkResult runOnce(Partition partition) throws Exception;
}
