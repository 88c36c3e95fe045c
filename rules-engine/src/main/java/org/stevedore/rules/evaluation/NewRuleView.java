package org.stevedore.rules.evaluation;

import org.stevedore.catalog.did.DidRef;
import org.stevedore.rules.store.Grouping;
import org.stevedore.rules.store.NewRule;
import org.stevedore.rules.store.Rule;

/** The placement-relevant view of a rule, new or stored. */
record NewRuleView(DidRef did, String account, int copies, Grouping grouping, String weight, boolean ignoreAvailability,
                   String sourceReplicaExpression, String rseExpression) {
    static NewRuleView of(NewRule r) {
        return new NewRuleView(r.did(), r.account(), r.copies(), r.grouping(), r.weight(), r.ignoreAvailability(),
                r.sourceReplicaExpression(), r.rseExpression());
    }

    static NewRuleView of(Rule r) {
        return new NewRuleView(r.did(), r.account(), r.copies(), r.grouping(), r.weight(), r.ignoreAvailability(),
                r.sourceReplicaExpression(), r.rseExpression());
    }
}
