package org.stevedore.catalog.replica;

import java.util.Locale;
import org.stevedore.catalog.error.InvalidObject;

/**
 * The states of a declaration about a replica, Rucio's {@code BadFilesStatus}: what a caller or the consistency check
 * said (BAD, SUSPICIOUS, TEMPORARY_UNAVAILABLE) and what the recovery made of a BAD one (RECOVERED: copied again or
 * handed to the reaper; LOST: it was the last copy; DELETED: the replica was gone before the recovery came).
 */
public enum BadState {
    BAD("B"), DELETED("D"), LOST("L"), RECOVERED("R"), SUSPICIOUS("S"), TEMPORARY_UNAVAILABLE("T");

    private final String code;

    BadState(String code) {
        this.code = code;
    }

    /** By name or Rucio's one-letter code; InvalidObject for anything else. */
    public static BadState parse(String value) {
        String v = value == null ? "" : value.trim().toUpperCase(Locale.ROOT);
        for (BadState s : values()) {
            if (s.name().equals(v) || s.code.equals(v)) {
                return s;
            }
        }
        throw new InvalidObject("Unknown bad replica state '" + value
                + "' (expected BAD, DELETED, LOST, RECOVERED, SUSPICIOUS or TEMPORARY_UNAVAILABLE)");
    }
}
