package org.stevedore.transfer.store;

import java.time.Duration;

/**
 * How failed transfers are retried: up to {@code maxRetries} times, each retry held back for a delay that doubles
 * from {@code firstDelay} up to {@code maxDelay}, so a storage that is down is not hammered; the retry prefers a
 * source that has not failed it yet.
 */
public record RetryPolicy(int maxRetries, Duration firstDelay, Duration maxDelay) {

    public RetryPolicy {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must not be negative, got " + maxRetries);
        }
        if (firstDelay.isNegative() || maxDelay.compareTo(firstDelay) < 0) {
            throw new IllegalArgumentException("retry delays must satisfy 0 <= first <= max, got " + firstDelay
                    + " and " + maxDelay);
        }
    }

    /** Rucio's 3 retries, after 1, 2 and 4 minutes. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(3, Duration.ofMinutes(1), Duration.ofMinutes(30));
    }

    /** Retries without delay (tests, or a caller that wants the old behaviour). */
    public static RetryPolicy immediate(int maxRetries) {
        return new RetryPolicy(maxRetries, Duration.ZERO, Duration.ZERO);
    }

    /** The delay before the {@code retry}-th retry (1 for the first). */
    public Duration delay(int retry) {
        Duration d = firstDelay;
        for (int i = 1; i < retry && d.compareTo(maxDelay) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(maxDelay) > 0 ? maxDelay : d;
    }
}
