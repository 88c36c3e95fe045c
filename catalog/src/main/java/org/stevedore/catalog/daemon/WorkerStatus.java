package org.stevedore.catalog.daemon;

/**
 * A snapshot of one worker thread, for health checks, metrics and tests.
 *
 * @param partition           from the last successful beat, or null before the first
 * @param consecutiveFailures failed cycles since the last good one (0 when healthy)
 */
public record WorkerStatus(WorkerId worker, Partition partition, long cycles, long items, long failures,
                           int consecutiveFailures, boolean running) {
}
