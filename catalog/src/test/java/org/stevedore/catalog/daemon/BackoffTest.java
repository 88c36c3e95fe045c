package org.stevedore.catalog.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1));

    @Test
    void doublesPerFailureUpToTheMax() {
        assertThat(backoff.delay(1, 0.999_999)).isCloseTo(Duration.ofMillis(100), Duration.ofMillis(1));
        assertThat(backoff.delay(2, 0.999_999)).isCloseTo(Duration.ofMillis(200), Duration.ofMillis(1));
        assertThat(backoff.delay(4, 0.999_999)).isCloseTo(Duration.ofMillis(800), Duration.ofMillis(1));
        assertThat(backoff.delay(5, 0.999_999)).isCloseTo(Duration.ofSeconds(1), Duration.ofMillis(1));
        assertThat(backoff.delay(1_000, 0.999_999)).isLessThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void jitterKeepsAtLeastHalfOfTheDelay() {
        assertThat(backoff.delay(1, 0.0)).isEqualTo(Duration.ofMillis(50));
        assertThat(backoff.delay(3, 0.0)).isEqualTo(Duration.ofMillis(200));
        assertThat(backoff.delay(3, 0.5)).isEqualTo(Duration.ofMillis(300));
        assertThat(backoff.delay(9, 0.0)).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> backoff.delay(0, 0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
