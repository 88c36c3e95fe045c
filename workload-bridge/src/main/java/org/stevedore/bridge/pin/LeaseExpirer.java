package org.stevedore.bridge.pin;

import java.time.Clock;
import org.stevedore.bridge.store.LeaseStore;
import org.stevedore.bridge.task.TaskEnder;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.daemon.WorkResult;
import org.stevedore.catalog.daemon.Worker;

/** Ends the ACTIVE tasks of its partition whose lease ran out (nobody asked about them for a pin lifetime). */
public final class LeaseExpirer implements Worker {

    public static final String EXECUTABLE = "bridge-lease-expirer";

    private final LeaseStore store;
    private final TaskEnder ender;
    private final Clock clock;
    private final int batch;

    public LeaseExpirer(LeaseStore store, TaskEnder ender, Clock clock, int batch) {
        this.store = store;
        this.ender = ender;
        this.clock = clock;
        this.batch = batch;
    }

    @Override
    public String executable() {
        return EXECUTABLE;
    }

    @Override
    public WorkResult runOnce(Partition partition) {
        int n = 0;
        for (String taskId : store.leaseExpired(partition, clock.millis(), batch)) {
            if (ender.expire(taskId)) {
                n++;
            }
        }
        return WorkResult.of(n);
    }
}
