package org.stevedore.tape.campaign;

import java.time.Duration;

/** How a campaign waits for its window to open; tests advance a clock instead of sleeping. */
@FunctionalInterface
public interface Waits {

    void sleep(Duration duration) throws InterruptedException;

    static Waits real() {
        return duration -> Thread.sleep(duration.toMillis());
    }
}
