package org.stevedore.rules.workers;

import java.util.List;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.daemon.WorkResult;
import org.stevedore.catalog.daemon.Worker;
import org.stevedore.rules.evaluation.RuleService;
import org.stevedore.rules.store.RuleQueries;
import org.stevedore.rules.store.RuleState;

/** Plans and writes the locks of rules created in INJECT (big or asynchronous ones), a few rules per cycle. */
public final class RuleInjector implements Worker {

    private final RuleQueries rules;
    private final RuleService service;
    private final int batch;

    public RuleInjector(RuleQueries rules, RuleService service, int batch) {
        this.rules = rules;
        this.service = service;
        this.batch = batch;
    }

    @Override
    public String executable() {
        return "judge-injector";
    }

    @Override
    public WorkResult runOnce(Partition partition) {
        List<String> ids = rules.idsInState(RuleState.INJECT, partition, batch);
        ids.forEach(service::applyPending);
        return WorkResult.of(ids.size());
    }
}
