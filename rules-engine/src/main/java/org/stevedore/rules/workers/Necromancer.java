package org.stevedore.rules.workers;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.daemon.WorkResult;
import org.stevedore.catalog.daemon.Worker;
import org.stevedore.rules.store.ReplicaRecovery;

/**
 * The recovery worker, named after Rucio's daemon: resolves replicas declared BAD (copied again by their rules from a
 * good copy, or their file marked lost) and ends temporary unavailabilities past their time (see
 * {@link ReplicaRecovery}). One batch of each per cycle, on its partition of the declarations.
 */
public final class Necromancer implements Worker {

    private static final Logger log = LoggerFactory.getLogger(Necromancer.class);

    private final ReplicaRecovery recovery;
    private final int batch;

    public Necromancer(ReplicaRecovery recovery, int batch) {
        this.recovery = recovery;
        this.batch = batch;
    }

    @Override
    public String executable() {
        return "necromancer";
    }

    @Override
    public WorkResult runOnce(Partition partition) {
        ReplicaRecovery.Outcome outcome = recovery.recover(partition, batch);
        if (outcome.total() > 0) {
            log.info("Bad replicas: {} recovered, {} lost (last copy), {} already gone", outcome.recovered(),
                    outcome.lost(), outcome.deleted());
        }
        int ended = recovery.expireUnavailable(partition, batch);
        if (ended > 0) {
            log.info("{} temporary unavailabilities ended", ended);
        }
        return WorkResult.of(outcome.total() + ended);
    }
}
