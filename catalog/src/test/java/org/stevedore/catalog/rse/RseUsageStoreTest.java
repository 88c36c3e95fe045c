package org.stevedore.catalog.rse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.error.InvalidValueForKey;
import org.stevedore.catalog.error.RSENotFound;
import org.stevedore.catalog.testing.StoreTest;

class RseUsageStoreTest extends StoreTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private final RseStore rses = new RseStore(store);
    private final RseUsageStore usage = new RseUsageStore(store, Clock.fixed(T0, ZoneOffset.UTC));

    @BeforeEach
    void anRse() {
        rses.add("SITE_DISK");
    }

    @Test
    void usageIsKeptPerSourceWithTotal() {
        RseUsage storage = usage.set("SITE_DISK", "storage", 600, 400L, 12L);
        usage.set("SITE_DISK", "rucio", 550, null, 11L);

        assertThat(storage.rse()).isEqualTo("SITE_DISK");
        assertThat(storage.rseId()).isEqualTo(rses.get("SITE_DISK").id());
        assertThat(storage.total()).isEqualTo(1000L);
        assertThat(storage.updatedAt()).isEqualTo(T0);
        assertThat(usage.list("SITE_DISK")).containsExactly(
                new RseUsage(storage.rseId(), "SITE_DISK", "rucio", 550, null, null, 11L, T0),
                storage);
    }

    @Test
    void settingASourceAgainReplacesIt() {
        usage.set("SITE_DISK", "storage", 600, 400L, 12L);
        Instant later = T0.plusSeconds(30);
        new RseUsageStore(store, Clock.fixed(later, ZoneOffset.UTC)).set("SITE_DISK", "storage", 700, 300L, 13L);

        assertThat(usage.list("SITE_DISK")).singleElement().satisfies(u -> {
            assertThat(u.used()).isEqualTo(700);
            assertThat(u.free()).isEqualTo(300L);
            assertThat(u.files()).isEqualTo(13L);
            assertThat(u.updatedAt()).isEqualTo(later);
        });
    }

    @Test
    void usageOfOneRseIsNotSeenOnAnother() {
        rses.add("OTHER_DISK");
        usage.set("SITE_DISK", "storage", 1, 1L, 1L);
        assertThat(usage.list("OTHER_DISK")).isEmpty();
    }

    @Test
    void errorsNameTheProblem() {
        assertThatThrownBy(() -> usage.set("NOPE", "storage", 1, 1L, 1L)).isInstanceOf(RSENotFound.class)
                .hasMessageContaining("'NOPE'");
        assertThatThrownBy(() -> usage.list("NOPE")).isInstanceOf(RSENotFound.class);
        assertThatThrownBy(() -> usage.set("SITE_DISK", "storage", -1, 1L, 1L))
                .isInstanceOf(InvalidValueForKey.class).hasMessageContaining("'used'");
        assertThatThrownBy(() -> usage.set("SITE_DISK", "bad source", 1, 1L, 1L))
                .isInstanceOf(InvalidObject.class).hasMessageContaining("'bad source'");
    }
}
