package org.stevedore.catalog.rse;

import java.time.Instant;

/**
 * Space use of an RSE as reported by one source ({@code storage} from the storage itself, {@code rucio} from the
 * catalog's replicas, ...). Values in bytes; {@code total} is {@code used + free} when free is known.
 */
public record RseUsage(
        String rseId,
        String rse,
        String source,
        long used,
        Long free,
        Long total,
        Long files,
        Instant updatedAt) {
}
