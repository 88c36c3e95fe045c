package org.stevedore.transfer.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.error.KeyNotFound;
import org.stevedore.catalog.error.RSENotFound;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.catalog.testing.StoreTest;

class TransferLimitStoreTest extends StoreTest {

    private TransferLimitStore limits;
    private RseStore rses;

    @BeforeEach
    void rses() {
        limits = new TransferLimitStore(store, Clock.systemUTC());
        rses = new RseStore(store);
        rses.add("SITE_A");
        rses.add("SITE_B");
    }

    @Test
    void limitsPerActivityAndForAllActivitiesAreStoredAndListedPerRse() {
        limits.set("SITE_A", null, 10L, null);
        limits.set("SITE_A", "Production", 5L, 1_000_000L);
        limits.set("SITE_B", "Express", null, 42L);

        assertThat(limits.list("SITE_A")).containsExactly(
                new TransferLimit("SITE_A", "*", 10L, null),
                new TransferLimit("SITE_A", "Production", 5L, 1_000_000L));
        assertThat(limits.listAll()).hasSize(3);
        assertThat(limits.list("SITE_B")).containsExactly(new TransferLimit("SITE_B", "Express", null, 42L));
    }

    @Test
    void settingALimitAgainReplacesIt() {
        limits.set("SITE_A", "Production", 5L, null);
        limits.set("SITE_A", "Production", null, 100L);

        assertThat(limits.list("SITE_A")).containsExactly(new TransferLimit("SITE_A", "Production", null, 100L));
    }

    @Test
    void refusesLimitsWithoutBoundsNegativeBoundsAndUnknownRses() {
        assertThatThrownBy(() -> limits.set("SITE_A", "x", null, null)).isInstanceOf(InvalidObject.class)
                .hasMessageContaining("max_transfers or max_bytes");
        assertThatThrownBy(() -> limits.set("SITE_A", "x", -1L, null)).isInstanceOf(InvalidObject.class)
                .hasMessageContaining("max_transfers");
        assertThatThrownBy(() -> limits.set("SITE_A", "x", null, -5L)).isInstanceOf(InvalidObject.class)
                .hasMessageContaining("max_bytes");
        assertThatThrownBy(() -> limits.set("NOWHERE", "x", 1L, null)).isInstanceOf(RSENotFound.class)
                .hasMessageContaining("NOWHERE");
        assertThatThrownBy(() -> limits.list("NOWHERE")).isInstanceOf(RSENotFound.class);
        assertThat(limits.listAll()).isEmpty();
    }

    @Test
    void deletingRemovesOneLimitAndAnUnknownOneIsKeyNotFound() {
        limits.set("SITE_A", null, 10L, null);
        limits.set("SITE_A", "Production", 5L, null);

        limits.delete("SITE_A", "Production");

        assertThat(limits.list("SITE_A")).containsExactly(new TransferLimit("SITE_A", "*", 10L, null));
        assertThatThrownBy(() -> limits.delete("SITE_A", "Production")).isInstanceOf(KeyNotFound.class)
                .hasMessageContaining("Production");
        assertThatThrownBy(() -> limits.delete("NOWHERE", null)).isInstanceOf(RSENotFound.class);
    }

    @Test
    void deletingTheRseTakesItsLimitsAlong() {
        limits.set("SITE_B", null, 10L, null);

        rses.delete("SITE_B");

        assertThat(limits.listAll()).isEmpty();
        long left = store.read(tx -> tx.run("MATCH (l:TransferLimit) RETURN count(l)").single().get(0).asLong());
        assertThat(left).isZero();
    }
}
