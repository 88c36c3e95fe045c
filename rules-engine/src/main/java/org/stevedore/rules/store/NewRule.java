package org.stevedore.rules.store;

import java.time.Instant;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidType;

/** A validated rule about to be written, with the state its evaluation starts in. */
public record NewRule(
        String id,
        DidRef did,
        DidType didType,
        String account,
        int copies,
        String rseExpression,
        Grouping grouping,
        String weight,
        boolean locked,
        String sourceReplicaExpression,
        String activity,
        Notify notification,
        boolean purgeReplicas,
        boolean ignoreAvailability,
        String comment,
        int priority,
        String meta,
        RuleState state,
        Instant expiresAt) {
}
