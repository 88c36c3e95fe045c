package org.stevedore.rules.workers;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.daemon.WorkResult;
import org.stevedore.catalog.daemon.Worker;
import org.stevedore.rules.evaluation.RuleMaintenance;
import org.stevedore.rules.store.RuleQueries;
import org.stevedore.rules.store.RuleState;

/** Tries STUCK rules again (new sources, other RSEs) and suspends those stuck too long. */
public final class RuleRepairer implements Worker {

    private static final Logger log = LoggerFactory.getLogger(RuleRepairer.class);

    private final RuleQueries rules;
    private final RuleMaintenance service;
    private final int batch;

    public RuleRepairer(RuleQueries rules, RuleMaintenance service, int batch) {
        this.rules = rules;
        this.service = service;
        this.batch = batch;
    }

    @Override
    public String executable() {
        return "judge-repairer";
    }

    /** Rules repaired without progress stay STUCK; their {@code updated_at} moves them to the back of the line. */
    @Override
    public WorkResult runOnce(Partition partition) {
        List<String> ids = rules.idsInState(RuleState.STUCK, partition, batch);
        int progressed = 0;
        for (String id : ids) {
            try {
                if (service.repair(id).state() != RuleState.STUCK) {
                    progressed++;
                }
            } catch (RuntimeException e) {
                log.warn("Repair of rule {} failed: {}", id, e.getMessage());
            }
        }
        return WorkResult.of(progressed);
    }
}
