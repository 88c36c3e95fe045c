package org.stevedore.rules.workers;

import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.daemon.WorkResult;
import org.stevedore.catalog.daemon.Worker;
import org.stevedore.rules.evaluation.RuleService;
import org.stevedore.rules.store.RuleQueries;

/** Removes expired rules that are not locked; their replicas get tombstones as with any deletion. */
public final class RuleCleaner implements Worker {

    private static final Logger log = LoggerFactory.getLogger(RuleCleaner.class);

    private final RuleQueries rules;
    private final RuleService service;
    private final Clock clock;
    private final int batch;

    public RuleCleaner(RuleQueries rules, RuleService service, Clock clock, int batch) {
        this.rules = rules;
        this.service = service;
        this.clock = clock;
        this.batch = batch;
    }

    @Override
    public String executable() {
        return "judge-cleaner";
    }

    @Override
    public WorkResult runOnce(Partition partition) {
        List<String> ids = rules.expiredIds(clock.millis(), partition, batch);
        int removed = 0;
        for (String id : ids) {
            try {
                service.delete(id, null);
                removed++;
                log.info("Expired rule {} removed", id);
            } catch (RuntimeException e) {
                log.warn("Expired rule {} could not be removed: {}", id, e.getMessage());
            }
        }
        return WorkResult.of(removed);
    }
}
