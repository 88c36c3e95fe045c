package org.stevedore.bridge.pin;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.rules.error.RuleNotFound;
import org.stevedore.rules.evaluation.RuleRequest;
import org.stevedore.rules.evaluation.RuleService;

/**
 * A task's pins, through the rules engine: one rule per task, owned by the task's account, on the task's own dataset
 * (its input files) to its disk expression, expiring with the task's lease. The rules engine keeps a replica while
 * any lock holds it, so a file two tasks share stays on disk while either task's rule locks it: removing one task's
 * rule (cancel, end, lease expiry) or detaching a file from its dataset (its last job ended) releases only that
 * task's claim. Inputs on tape come back through the same rule: its transfers carry {@code bring_online}.
 */
public final class TaskPins {

    private static final Logger log = LoggerFactory.getLogger(TaskPins.class);

    private final RuleService rules;
    private final String activity;

    public TaskPins(RuleService rules, String activity) {
        this.rules = rules;
        this.activity = activity;
    }

    /** Creates the pin rule of a task; answers its id. */
    public String pin(String taskId, DidRef dataset, String account, String rseExpression, long lifetimeSeconds,
                      int priority) {
        RuleRequest request = new RuleRequest(List.of(dataset), account, 1, rseExpression, null, lifetimeSeconds,
                "NONE", false, null, activity, null, false, false, "pins of workload bridge task " + taskId, false,
                null, priority, null);
        return rules.add(request, account).get(0);
    }

    /** Removes a task's pin rule; one already gone (expired and cleaned) is fine. */
    public void unpin(String taskId, String ruleId) {
        if (ruleId == null) {
            return;
        }
        try {
            rules.delete(ruleId, false);
        } catch (RuleNotFound e) {
            log.info("Task {}: pin rule {} was already gone", taskId, ruleId);
        }
    }
}
