package org.stevedore.grid;

import java.time.Duration;

/** How a tool waits between retries; tests substitute one that records the waits instead of spending them. */
@FunctionalInterface
public interface RetrySleeper {

    void sleep(Duration duration) throws InterruptedException;

    static RetrySleeper real() {
        return duration -> Thread.sleep(duration.toMillis());
    }
}
