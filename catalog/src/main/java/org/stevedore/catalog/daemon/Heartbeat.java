package org.stevedore.catalog.daemon;

import java.time.Instant;

/**
 * A live worker as the store last saw it; {@code payload} is free text the worker chose to publish, or null;
 * {@code startedAt} is its first beat (null for a heartbeat written before that was recorded).
 */
public record Heartbeat(WorkerId worker, Instant updatedAt, String payload, Instant startedAt) {

    public Heartbeat(WorkerId worker, Instant updatedAt, String payload) {
        this(worker, updatedAt, payload, null);
    }

    public String key() {
        return worker.key();
    }
}
