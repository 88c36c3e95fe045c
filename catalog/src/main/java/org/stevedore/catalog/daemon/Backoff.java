package org.stevedore.catalog.daemon;

import java.time.Duration;

/**
 * How long a worker waits after consecutive failed cycles: doubling from {@code base} up to {@code max}, with "equal
 * jitter" (a random point in the upper half) so that workers failing on the same cause, such as a store under
 * contention, do not retry in lockstep.
 */
public record Backoff(Duration base, Duration max) {

    public Backoff {
        if (base.isNegative() || base.isZero()) {
            throw new IllegalArgumentException("backoff base must be positive, got " + base);
        }
        if (max.compareTo(base) < 0) {
            throw new IllegalArgumentException("backoff max " + max + " is below its base " + base);
        }
    }

    /**
     * The wait after the {@code failures}-th failure in a row (1 for the first), given {@code random} in [0, 1):
     * between half and all of {@code min(max, base * 2^(failures-1))}.
     */
    public Duration delay(int failures, double random) {
        if (failures < 1) {
            throw new IllegalArgumentException("failures must be at least 1, got " + failures);
        }
        long cap = max.toNanos();
        long ceiling = base.toNanos();
        for (int i = 1; i < failures && ceiling < cap; i++) {
            ceiling *= 2;
        }
        ceiling = Math.min(ceiling, cap);
        long half = ceiling / 2;
        return Duration.ofNanos(half + (long) ((ceiling - half) * random));
    }
}
