package org.stevedore.catalog.daemon;

import java.time.Instant;

/** A live worker as the store last saw it; {@code payload} is free text the worker chose to publish, or null. */
public record Heartbeat(WorkerId worker, Instant updatedAt, String payload) {

    public String key() {
        return worker.key();
    }
}
