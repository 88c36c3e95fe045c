package org.stevedore.catalog.rse;

import java.time.Instant;

/** How far {@code destRse} is from {@code sourceRse}, for ranking transfer sources: lower is closer. */
public record RseDistance(
        String sourceRseId,
        String sourceRse,
        String destRseId,
        String destRse,
        int distance,
        Instant createdAt,
        Instant updatedAt) {
}
