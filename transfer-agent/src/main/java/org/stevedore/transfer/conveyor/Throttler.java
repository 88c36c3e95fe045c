package org.stevedore.transfer.conveyor;

import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.daemon.WorkResult;
import org.stevedore.catalog.daemon.Worker;
import org.stevedore.transfer.store.ThrottleStore;

/**
 * Releases WAITING transfer requests as their destination's transfer limits allow: per limited RSE of its partition,
 * as many as fit next to what is in flight, highest priority and oldest first. The submitter holds covered requests
 * back (WAITING) when it claims them; the throttler is the one place that lets them go, so a limit is never
 * overshot by two submitters deciding at once. Now and then it also frees WAITING requests whose limit was removed.
 */
public final class Throttler implements Worker {

    private static final Logger log = LoggerFactory.getLogger(Throttler.class);

    private final ThrottleStore throttle;
    private final Clock clock;
    private final int batch;
    private final Duration sweepEvery;
    private long nextSweep;

    /**
     * @param batch      waiting requests looked at per RSE and cycle
     * @param sweepEvery how often to look for WAITING requests no limit covers any more
     */
    public Throttler(ThrottleStore throttle, Clock clock, int batch, Duration sweepEvery) {
        this.throttle = throttle;
        this.clock = clock;
        this.batch = batch;
        this.sweepEvery = sweepEvery;
    }

    @Override
    public String executable() {
        return "conveyor-throttler";
    }

    @Override
    public WorkResult runOnce(Partition partition) {
        int released = 0;
        for (String rseId : throttle.limitedRses(partition)) {
            int n = throttle.release(rseId, batch);
            if (n > 0) {
                log.info("Throttler released {} waiting request(s) to RSE {}", n, rseId);
            }
            released += n;
        }
        long now = clock.millis();
        if (now >= nextSweep) {
            nextSweep = now + sweepEvery.toMillis();
            int freed = throttle.releaseUnlimited(partition, batch);
            if (freed > 0) {
                log.info("Throttler queued {} waiting request(s) no transfer limit covers any more", freed);
            }
            released += freed;
        }
        return WorkResult.of(released);
    }
}
