package org.stevedore.bridge.task;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.time.Lifetimes;

/** Reads a pin lifetime given as seconds (number or digits) or as an ISO-8601 duration ({@code PT6H}, {@code P2D}). */
public final class PinLifetime {

    private PinLifetime() {
    }

    /** @return the lifetime in whole seconds, at least one; {@code otherwise} when absent */
    public static long seconds(Object value, Duration otherwise) {
        if (value == null) {
            return otherwise.toSeconds();
        }
        long seconds;
        if (value instanceof Number) {
            // Whole numbers only, and no narrowing: 2^64 + 5 is not 5.
            return Lifetimes.seconds("pinLifetime", value);
        } else if (value instanceof String s && !s.isBlank()) {
            String t = s.trim();
            if (t.chars().allMatch(Character::isDigit)) {
                try {
                    seconds = Long.parseLong(t);
                } catch (NumberFormatException e) {
                    throw invalid(value);
                }
            } else {
                try {
                    seconds = Duration.parse(t).toSeconds();
                } catch (DateTimeParseException e) {
                    throw invalid(value);
                }
            }
        } else {
            throw invalid(value);
        }
        if (seconds <= 0) {
            throw new InvalidObject("'pinLifetime' must be positive, not " + value);
        }
        if (!Lifetimes.fits(seconds)) {
            throw new InvalidObject(Lifetimes.expected("pinLifetime") + ", not " + value);
        }
        return seconds;
    }

    private static InvalidObject invalid(Object value) {
        return new InvalidObject("'pinLifetime' must be a number of seconds or an ISO-8601 duration such as \"PT12H\", not '"
                + value + "'");
    }
}
