package org.stevedore.catalog.did;

import java.time.Instant;

/**
 * A data identifier as the catalog stores it. For collections {@code bytes} and {@code length} are the sums over
 * the direct content, kept up to date by attach and detach.
 */
public record Did(
        String scope,
        String name,
        DidType type,
        String account,
        Long bytes,
        Long length,
        String adler32,
        String md5,
        String guid,
        Long events,
        boolean open,
        boolean monotonic,
        Instant expiredAt,
        Instant createdAt,
        Instant updatedAt,
        Instant closedAt) {

    public DidRef ref() {
        return new DidRef(scope, name);
    }
}
