package org.stevedore.catalog.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.error.InvalidObject;

class LifetimesTest {

    @Test
    void lifetimesAreWholeSecondsFromOneToOneHundredYears() {
        assertThat(Lifetimes.seconds("lifetime", 1)).isEqualTo(1);
        assertThat(Lifetimes.seconds("lifetime", 3_155_760_000L)).isEqualTo(3_155_760_000L);
        assertThat(Lifetimes.seconds("lifetime", 86_400.0)).isEqualTo(86_400);
        assertThat(Lifetimes.seconds("lifetime", new BigDecimal("60"))).isEqualTo(60);
        for (Object bad : new Object[]{0, -1, 3_155_760_001L, Long.MAX_VALUE, Long.MIN_VALUE, 1.5, 1e300,
                Double.NaN, Double.POSITIVE_INFINITY, BigInteger.TWO.pow(64).add(BigInteger.valueOf(5)),
                new BigDecimal("1.5"), "60", true, null}) {
            assertThatThrownBy(() -> Lifetimes.seconds("lifetime", bad)).as(String.valueOf(bad))
                    .isInstanceOf(InvalidObject.class).hasMessageContaining("'lifetime'");
        }
        assertThat(Lifetimes.duration("pin_lifetime", Duration.ofDays(2))).isEqualTo(Duration.ofDays(2));
        assertThatThrownBy(() -> Lifetimes.duration("pin_lifetime", Duration.ofSeconds(Long.MAX_VALUE)))
                .isInstanceOf(InvalidObject.class).hasMessageContaining("'pin_lifetime'");
    }

    @Test
    void instantsLieBetweenTheEpochAndTheYear9999() {
        assertThat(Lifetimes.epochSecond("tombstone", 0)).isEqualTo(Instant.EPOCH);
        assertThat(Lifetimes.epochSecond("tombstone", 253_402_300_799L)).isEqualTo(Lifetimes.LATEST);
        for (long bad : new long[]{-1, 253_402_300_800L, Long.MAX_VALUE, Long.MIN_VALUE}) {
            assertThatThrownBy(() -> Lifetimes.epochSecond("tombstone", bad)).isInstanceOf(InvalidObject.class)
                    .hasMessageContaining("'tombstone'");
        }
        assertThat(Lifetimes.instant("deadline", null)).isNull();
        assertThatThrownBy(() -> Lifetimes.instant("deadline", Instant.MAX)).isInstanceOf(InvalidObject.class)
                .hasMessageContaining("'deadline'");
        // Every accepted instant still fits the store's epoch milliseconds.
        assertThat(Lifetimes.LATEST.toEpochMilli()).isPositive();
    }
}
