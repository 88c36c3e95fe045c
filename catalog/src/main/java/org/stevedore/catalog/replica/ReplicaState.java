package org.stevedore.catalog.replica;

import java.util.Locale;
import org.stevedore.catalog.error.InvalidObject;

/** Rucio's replica states; the one-letter forms are Rucio's database codes. */
public enum ReplicaState {
    AVAILABLE("A"), UNAVAILABLE("U"), COPYING("C"), BEING_DELETED("B"), BAD("D"), TEMPORARY_UNAVAILABLE("T");

    private final String code;

    ReplicaState(String code) {
        this.code = code;
    }

    public static ReplicaState parse(String value) {
        if (value == null || value.isBlank()) {
            return AVAILABLE;
        }
        String v = value.trim().toUpperCase(Locale.ROOT);
        for (ReplicaState s : values()) {
            if (s.name().equals(v) || s.code.equals(v)) {
                return s;
            }
        }
        throw new InvalidObject("Unknown replica state '" + value
                + "' (expected AVAILABLE, UNAVAILABLE, COPYING, BEING_DELETED, BAD or TEMPORARY_UNAVAILABLE)");
    }
}
