package org.stevedore.web.replica;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.time.Lifetimes;

/**
 * The dates Rucio's clients send to the bad-replica endpoints: {@code 2026-12-07T10:00:00[.ffffff]} (UTC, no zone),
 * an ISO instant with a zone, a day ({@code 2026-12-07}) or epoch seconds. Anything else, or a date outside the
 * bounds of {@link Lifetimes}, is refused with an InvalidObject naming the parameter.
 */
final class Dates {

    private Dates() {
    }

    /** The instant, or null when {@code value} is null or blank. */
    static Instant parse(String field, Object value) {
        if (value == null || (value instanceof String s && s.isBlank())) {
            return null;
        }
        if (value instanceof Number n) {
            return Lifetimes.epochSecond(field, n.longValue());
        }
        String v = value.toString().strip();
        try {
            if (v.chars().allMatch(Character::isDigit) && v.length() <= 12) {
                return Lifetimes.epochSecond(field, Long.parseLong(v));
            }
            if (v.length() == 10) {
                return Lifetimes.instant(field, LocalDate.parse(v).atStartOfDay().toInstant(ZoneOffset.UTC));
            }
            if (v.endsWith("Z") || v.matches(".*[+-]\\d\\d:\\d\\d$")) {
                return Lifetimes.instant(field, OffsetDateTime.parse(v).toInstant());
            }
            return Lifetimes.instant(field, LocalDateTime.parse(v).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new InvalidObject("'" + field + "' is not a date (expected e.g. 2026-12-07T10:00:00 in UTC), got '"
                    + v + "'");
        }
    }
}
