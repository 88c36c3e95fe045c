package org.stevedore.catalog.store;

import java.time.Instant;
import org.neo4j.driver.Value;

/** Timestamps are stored as epoch milliseconds; these convert at the store's edge. */
public final class Times {

    private Times() {
    }

    public static Long millis(Instant instant) {
        return instant == null ? null : instant.toEpochMilli();
    }

    public static Instant instant(Value value) {
        return value == null || value.isNull() ? null : Instant.ofEpochMilli(value.asLong());
    }
}
