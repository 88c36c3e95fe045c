package org.stevedore.catalog.replica;

import java.time.Instant;

/** A copy of a file on an RSE: {@code (:Did)-[:REPLICA]->(:Rse)}. */
public record Replica(
        String scope,
        String name,
        String rse,
        String rseId,
        Long bytes,
        String adler32,
        String md5,
        String path,
        ReplicaState state,
        long lockCnt,
        Instant tombstone,
        Instant accessedAt,
        Instant createdAt,
        Instant updatedAt) {
}
