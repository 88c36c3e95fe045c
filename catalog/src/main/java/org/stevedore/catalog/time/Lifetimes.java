package org.stevedore.catalog.time;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import org.stevedore.catalog.error.InvalidObject;

/**
 * The range of the times a caller may give: lifetimes (a rule's, a DID's, a pin's) and instants (a tombstone, a
 * deadline). Stored times are epoch milliseconds in a long, and expiries are "now plus the lifetime": without a bound,
 * a lifetime near 2^63 seconds overflows into a time in the past (a rule given 2^63-1 seconds was deleted 18 s later)
 * or into an arithmetic failure. Every refusal names the field.
 */
public final class Lifetimes {

    /** 100 years: longer than any experiment keeps data on one rule; a longer lifetime is a mistake. */
    public static final Duration MAX = Duration.ofDays(36_525);
    public static final long MAX_SECONDS = MAX.toSeconds();
    /** The last instant a caller may name, 9999-12-31T23:59:59Z: four-digit years, as Rucio's dates print. */
    public static final long MAX_EPOCH_SECOND = 253_402_300_799L;
    public static final Instant LATEST = Instant.ofEpochSecond(MAX_EPOCH_SECOND);

    private Lifetimes() {
    }

    /** Whether {@code seconds} is a lifetime: from 1 s to {@link #MAX}. */
    public static boolean fits(long seconds) {
        return seconds >= 1 && seconds <= MAX_SECONDS;
    }

    /** What a lifetime must be, for refusals. */
    public static String expected(String field) {
        return "'" + field + "' must be a whole number of seconds from 1 to " + MAX_SECONDS + " (100 years)";
    }

    /**
     * A lifetime in seconds as JSON gave it (any number type), from 1 s to {@link #MAX}.
     *
     * @throws InvalidObject naming {@code field} when it is not a whole number in that range
     */
    public static long seconds(String field, Object value) {
        Long whole = wholeNumber(value);
        if (whole == null || !fits(whole)) {
            throw new InvalidObject(expected(field) + ", not " + value);
        }
        return whole;
    }

    /** A lifetime given as a duration, from 1 s to {@link #MAX}. */
    public static Duration duration(String field, Duration value) {
        if (value == null || value.compareTo(Duration.ofSeconds(1)) < 0 || value.compareTo(MAX) > 0) {
            throw new InvalidObject(expected(field) + ", not " + (value == null ? null : value.toSeconds()));
        }
        return value;
    }

    /** An instant given as epoch seconds, from the epoch (0: "at once", as Rucio's tombstones use it) to {@link #LATEST}. */
    public static Instant epochSecond(String field, long value) {
        if (value < 0 || value > MAX_EPOCH_SECOND) {
            throw new InvalidObject("'" + field + "' must be epoch seconds from 0 to " + MAX_EPOCH_SECOND
                    + " (9999-12-31T23:59:59Z), not " + value);
        }
        return Instant.ofEpochSecond(value);
    }

    /** An instant a caller gave, no later than {@link #LATEST} and no earlier than the epoch. */
    public static Instant instant(String field, Instant value) {
        if (value != null && (value.isBefore(Instant.EPOCH) || value.isAfter(LATEST))) {
            throw new InvalidObject("'" + field + "' must lie between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z, not "
                    + value);
        }
        return value;
    }

    /** The value as a long when it is a whole number that fits one, else null. */
    private static Long wholeNumber(Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigInteger big) {
            return big.bitLength() < 64 ? big.longValue() : null;
        }
        if (value instanceof BigDecimal decimal) {
            try {
                return decimal.longValueExact();
            } catch (ArithmeticException e) {
                return null;
            }
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            return Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 9.0e15 ? (long) d : null;
        }
        return null;
    }
}
