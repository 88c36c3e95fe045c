package org.stevedore.catalog.rse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.error.Duplicate;
import org.stevedore.catalog.error.InvalidValueForKey;
import org.stevedore.catalog.error.KeyNotFound;
import org.stevedore.catalog.error.RSENotFound;
import org.stevedore.catalog.testing.StoreTest;

class RseDistanceStoreTest extends StoreTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private final RseStore rses = new RseStore(store);
    private final RseDistanceStore distances = new RseDistanceStore(store, Clock.fixed(T0, ZoneOffset.UTC));

    @BeforeEach
    void threeRses() {
        rses.add("A_DISK");
        rses.add("B_DISK");
        rses.add("C_TAPE");
    }

    @Test
    void addedDistanceIsDirectedAndReadBack() {
        RseDistance added = distances.add("A_DISK", "B_DISK", 3);

        assertThat(added.sourceRse()).isEqualTo("A_DISK");
        assertThat(added.sourceRseId()).isEqualTo(rses.get("A_DISK").id());
        assertThat(added.destRse()).isEqualTo("B_DISK");
        assertThat(added.destRseId()).isEqualTo(rses.get("B_DISK").id());
        assertThat(added.distance()).isEqualTo(3);
        assertThat(added.createdAt()).isEqualTo(T0);
        assertThat(distances.get("A_DISK", "B_DISK")).contains(added);
        assertThat(distances.get("B_DISK", "A_DISK")).isEmpty();
    }

    @Test
    void secondDistanceForAPairIsDuplicate() {
        distances.add("A_DISK", "B_DISK", 3);
        assertThatThrownBy(() -> distances.add("A_DISK", "B_DISK", 4))
                .isInstanceOf(Duplicate.class).hasMessageContaining("'A_DISK'").hasMessageContaining("'B_DISK'");
        assertThat(distances.get("A_DISK", "B_DISK").orElseThrow().distance()).isEqualTo(3);
    }

    @Test
    void updateChangesDistanceAndTimestamp() {
        distances.add("A_DISK", "B_DISK", 3);
        Instant later = T0.plusSeconds(5);
        RseDistance updated = new RseDistanceStore(store, Clock.fixed(later, ZoneOffset.UTC)).update("A_DISK", "B_DISK", 1);
        assertThat(updated.distance()).isEqualTo(1);
        assertThat(updated.createdAt()).isEqualTo(T0);
        assertThat(updated.updatedAt()).isEqualTo(later);
        assertThat(distances.get("A_DISK", "B_DISK")).contains(updated);
        assertThatThrownBy(() -> distances.update("B_DISK", "A_DISK", 1))
                .isInstanceOf(KeyNotFound.class).hasMessageContaining("'B_DISK'");
    }

    @Test
    void listFromIsSortedByDistanceAndDeleteRemovesOne() {
        distances.add("A_DISK", "C_TAPE", 5);
        distances.add("A_DISK", "B_DISK", 1);
        distances.add("B_DISK", "C_TAPE", 2);

        assertThat(distances.listFrom("A_DISK")).extracting(RseDistance::destRse).containsExactly("B_DISK", "C_TAPE");

        distances.delete("A_DISK", "B_DISK");
        assertThat(distances.listFrom("A_DISK")).extracting(RseDistance::destRse).containsExactly("C_TAPE");
        assertThat(distances.listFrom("B_DISK")).hasSize(1);
        assertThatThrownBy(() -> distances.delete("A_DISK", "B_DISK")).isInstanceOf(KeyNotFound.class);
    }

    @Test
    void setAllUpsertsInOneGoAndRefusesUnknownDestinations() {
        distances.add("A_DISK", "B_DISK", 9);
        distances.setAll("A_DISK", Map.of("B_DISK", 1, "C_TAPE", 4));
        assertThat(distances.listFrom("A_DISK")).extracting(RseDistance::destRse, RseDistance::distance)
                .containsExactly(tuple("B_DISK", 1), tuple("C_TAPE", 4));

        assertThatThrownBy(() -> distances.setAll("A_DISK", Map.of("B_DISK", 7, "NOPE", 1)))
                .isInstanceOf(RSENotFound.class).hasMessageContaining("'NOPE'");
        assertThat(distances.get("A_DISK", "B_DISK").orElseThrow().distance()).isEqualTo(1);
    }

    @Test
    void errorsNameTheProblem() {
        assertThatThrownBy(() -> distances.add("A_DISK", "NOPE", 1)).isInstanceOf(RSENotFound.class).hasMessageContaining("'NOPE'");
        assertThatThrownBy(() -> distances.add("NOPE", "A_DISK", 1)).isInstanceOf(RSENotFound.class).hasMessageContaining("'NOPE'");
        assertThatThrownBy(() -> distances.get("A_DISK", "NOPE")).isInstanceOf(RSENotFound.class);
        assertThatThrownBy(() -> distances.listFrom("NOPE")).isInstanceOf(RSENotFound.class);
        assertThatThrownBy(() -> distances.add("A_DISK", "B_DISK", -1)).isInstanceOf(InvalidValueForKey.class)
                .hasMessageContaining("-1");
    }
}
