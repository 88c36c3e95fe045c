package org.stevedore.rules.evaluation;

import java.util.List;
import org.stevedore.catalog.did.DidRef;

/**
 * A rule as asked for, with Rucio's parameters. Nulls take Rucio's defaults: the issuer's account, DATASET grouping,
 * no expiry, priority 3.
 *
 * @param lifetime seconds until the rule expires, or null for never
 */
public record RuleRequest(
        List<DidRef> dids,
        String account,
        Integer copies,
        String rseExpression,
        String weight,
        Long lifetime,
        String grouping,
        Boolean locked,
        String sourceReplicaExpression,
        String activity,
        String notification,
        Boolean purgeReplicas,
        Boolean ignoreAvailability,
        String comment,
        Boolean askApproval,
        Boolean asynchronous,
        Integer priority,
        String meta) {

    /** The minimum: DIDs, copies and where. */
    public static RuleRequest of(List<DidRef> dids, int copies, String rseExpression) {
        return new RuleRequest(dids, null, copies, rseExpression, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null);
    }

    public RuleRequest withGrouping(String value) {
        return new RuleRequest(dids, account, copies, rseExpression, weight, lifetime, value, locked,
                sourceReplicaExpression, activity, notification, purgeReplicas, ignoreAvailability, comment, askApproval,
                asynchronous, priority, meta);
    }

    public RuleRequest withPriority(int value) {
        return new RuleRequest(dids, account, copies, rseExpression, weight, lifetime, grouping, locked,
                sourceReplicaExpression, activity, notification, purgeReplicas, ignoreAvailability, comment, askApproval,
                asynchronous, value, meta);
    }

    public RuleRequest withWeight(String value) {
        return new RuleRequest(dids, account, copies, rseExpression, value, lifetime, grouping, locked,
                sourceReplicaExpression, activity, notification, purgeReplicas, ignoreAvailability, comment, askApproval,
                asynchronous, priority, meta);
    }

    public RuleRequest withLifetime(Long seconds) {
        return new RuleRequest(dids, account, copies, rseExpression, weight, seconds, grouping, locked,
                sourceReplicaExpression, activity, notification, purgeReplicas, ignoreAvailability, comment, askApproval,
                asynchronous, priority, meta);
    }


    public RuleRequest withPurgeReplicas(boolean value) {
        return new RuleRequest(dids, account, copies, rseExpression, weight, lifetime, grouping, locked,
                sourceReplicaExpression, activity, notification, value, ignoreAvailability, comment, askApproval,
                asynchronous, priority, meta);
    }


}
