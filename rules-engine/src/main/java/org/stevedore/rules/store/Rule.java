package org.stevedore.rules.store;

import java.time.Instant;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidType;

/** A replication rule as stored, with its lock counters. */
public record Rule(
        String id,
        String scope,
        String name,
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
        String error,
        long locksOk,
        long locksReplicating,
        long locksStuck,
        Long bytes,
        Instant expiresAt,
        Instant stuckAt,
        Instant createdAt,
        Instant updatedAt) {

    public DidRef did() {
        return new DidRef(scope, name);
    }
}
