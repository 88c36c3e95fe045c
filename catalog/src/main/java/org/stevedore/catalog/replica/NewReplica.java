package org.stevedore.catalog.replica;

import java.time.Instant;
import java.util.Map;

/**
 * A replica to register. The file is registered too when it does not exist yet (size and adler32 then required);
 * when it exists, the given size and checksum must agree with it. {@code pfn} is required on non-deterministic
 * RSEs; on deterministic ones the path follows from the RSE's lfn2pfn algorithm.
 */
public record NewReplica(
        String scope,
        String name,
        Long bytes,
        String adler32,
        String md5,
        String pfn,
        ReplicaState state,
        Instant tombstone,
        String guid,
        Map<String, Object> meta) {

    public static NewReplica of(String scope, String name, long bytes, String adler32) {
        return new NewReplica(scope, name, bytes, adler32, null, null, ReplicaState.AVAILABLE, null, null, null);
    }
}
