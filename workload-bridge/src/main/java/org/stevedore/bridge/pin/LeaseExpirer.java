package org.stevedore.bridge.pin;

import java.time.Clock;
import org.stevedore.bridge.store.BridgeStore;
import org.stevedore.bridge.task.BridgeService;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.daemon.WorkResult;
import org.stevedore.catalog.daemon.Worker;

/** Ends the ACTIVE tasks of its partition whose lease ran out (nobody asked about them for a pin lifetime). */
public final class LeaseExpirer implements Worker {

    public static final String EXECUTABLE = "bridge-lease-expirer";

    private final BridgeStore store;
    private final BridgeService service;
    private final Clock clock;
    private final int batch;

    public LeaseExpirer(BridgeStore store, BridgeService service, Clock clock, int batch) {
        this.store = store;
        this.service = service;
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
            if (service.expire(taskId)) {
                n++;
            }
        }
        return WorkResult.of(n);
    }
}
