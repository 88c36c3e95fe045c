package org.stevedore.catalog.rse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.error.KeyNotFound;
import org.stevedore.catalog.error.RSENotFound;
import org.stevedore.catalog.testing.StoreTest;

class RseLimitStoreTest extends StoreTest {

    private final RseStore rses = new RseStore(store);
    private final RseLimitStore limits = new RseLimitStore(store);

    @BeforeEach
    void anRse() {
        rses.add("SITE_DISK");
    }

    @Test
    void limitsAreSetOverwrittenListedAndDeleted() {
        limits.set("SITE_DISK", "MinFreeSpace", 10_000_000_000_000L);
        limits.setAll("SITE_DISK", Map.of("MaxBeingDeletedFiles", 200L, "MaxSpaceAvailable", 5L));
        assertThat(limits.list("SITE_DISK")).containsExactly(
                Map.entry("MaxBeingDeletedFiles", 200L),
                Map.entry("MaxSpaceAvailable", 5L),
                Map.entry("MinFreeSpace", 10_000_000_000_000L));

        limits.set("SITE_DISK", "MinFreeSpace", 1L);
        limits.delete("SITE_DISK", "MaxSpaceAvailable");
        assertThat(limits.list("SITE_DISK")).isEqualTo(Map.of("MaxBeingDeletedFiles", 200L, "MinFreeSpace", 1L));
    }

    @Test
    void limitsAreNeitherAttributesNorSeenOnOtherRses() {
        rses.add("OTHER_DISK");
        limits.set("SITE_DISK", "MinFreeSpace", 7);
        assertThat(rses.attributes("SITE_DISK")).doesNotContainKey("MinFreeSpace");
        assertThat(limits.list("OTHER_DISK")).isEmpty();
    }

    @Test
    void errorsNameTheProblem() {
        assertThatThrownBy(() -> limits.delete("SITE_DISK", "MinFreeSpace"))
                .isInstanceOf(KeyNotFound.class).hasMessageContaining("'MinFreeSpace'");
        assertThatThrownBy(() -> limits.set("SITE_DISK", "Min Free", 1))
                .isInstanceOf(InvalidObject.class).hasMessageContaining("'Min Free'");
        assertThatThrownBy(() -> limits.set("NOPE", "MinFreeSpace", 1))
                .isInstanceOf(RSENotFound.class).hasMessageContaining("'NOPE'");
        assertThatThrownBy(() -> limits.list("NOPE")).isInstanceOf(RSENotFound.class);
        assertThatThrownBy(() -> limits.delete("NOPE", "MinFreeSpace")).isInstanceOf(RSENotFound.class);
    }
}
