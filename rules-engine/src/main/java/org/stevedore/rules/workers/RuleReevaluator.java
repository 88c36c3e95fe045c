package org.stevedore.rules.workers;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.daemon.WorkResult;
import org.stevedore.catalog.daemon.Worker;
import org.stevedore.catalog.did.UpdatedDidQueue;
import org.stevedore.rules.evaluation.RuleMaintenance;

/**
 * Consumes the updated-DID queue: each attach or detach is applied to the rules above it, then removed from the
 * queue. A change that fails stays queued and is tried again next cycle; the others go on.
 */
public final class RuleReevaluator implements Worker {

    private static final Logger log = LoggerFactory.getLogger(RuleReevaluator.class);

    private final UpdatedDidQueue queue;
    private final RuleMaintenance service;
    private final int batch;

    public RuleReevaluator(UpdatedDidQueue queue, RuleMaintenance service, int batch) {
        this.queue = queue;
        this.service = service;
        this.batch = batch;
    }

    @Override
    public String executable() {
        return "judge-evaluator";
    }

    @Override
    public WorkResult runOnce(Partition partition) {
        List<UpdatedDidQueue.UpdatedDid> changes = queue.oldest(partition, batch);
        List<String> done = new ArrayList<>(changes.size());
        for (UpdatedDidQueue.UpdatedDid change : changes) {
            try {
                service.reevaluate(change);
                done.add(change.id());
            } catch (RuntimeException e) {
                log.warn("Re-evaluation of {}:{} ({}) failed, will retry: {}", change.scope(), change.name(),
                        change.action(), e.getMessage());
                // Later changes of the same collection wait, so they apply in order.
                break;
            }
        }
        if (!done.isEmpty()) {
            queue.remove(done);
        }
        return WorkResult.of(done.size());
    }
}
