package org.stevedore.catalog.replica;

import java.time.Instant;

/**
 * One declaration about a replica, as Rucio lists its bad replicas: the file, the RSE, what was declared or what the
 * recovery made of it, why, by whom, and until when (a temporary unavailability).
 */
public record BadReplica(String scope, String name, String rse, String rseId, String path, BadState state,
                         String reason, String account, Instant createdAt, Instant updatedAt, Instant expiresAt) {
}
