package org.stevedore.bridge.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stevedore.bridge.BridgeFixture;
import org.stevedore.bridge.task.TaskRegistration;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.testing.StoreTest;
import org.stevedore.tape.store.Campaign;
import org.stevedore.tape.store.CampaignState;

/** A task's own tape campaign takes the window and deadline its registration gives, within the service's window. */
class TaskStagingWindowTest extends StoreTest {

    private final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
    @TempDir
    Path root;
    private TapeTaskFixture f;

    @BeforeEach
    void grid() {
        f = new TapeTaskFixture(store, clock, root);
    }

    @AfterEach
    void close() {
        f.close();
    }

    private static TaskRegistration withStaging(TaskRegistration r, TaskRegistration.Staging staging) {
        return new TaskRegistration(r.taskId(), r.inputs(), r.rseExpression(), r.pinLifetime(), r.priority(), r.jobs(),
                r.split(), r.webhook(), staging);
    }

    @Test
    void theTasksCampaignTakesTheWindowAndDeadlineOfItsRegistration() {
        List<String> tape = f.files("t", 3, 2_000, TapeTaskFixture.TAPE);

        f.registrar.register(withStaging(BridgeFixture.split("t1", tape, "DISK_A", 1),
                new TaskRegistration.Staging(2L, 5_000L, "2026-11-30T00:00:00Z")), "jdoe");

        Campaign c = f.campaigns.get(f.service.task("t1").campaignId());
        assertThat(c.windowFiles()).isEqualTo(2);
        assertThat(c.windowBytes()).isEqualTo(5_000);
        assertThat(c.deadline()).isEqualTo(Instant.parse("2026-11-30T00:00:00Z"));
        assertThat(c.state()).isEqualTo(CampaignState.COMPLETED);
        assertThat(c.staged().files()).isEqualTo(3);
    }

    @Test
    void aWindowBeyondTheServicesOrADeadlinePassedIsRefusedAndWritesNothing() {
        List<String> tape = f.files("t", 2, 2_000, TapeTaskFixture.TAPE);
        TaskRegistration plain = BridgeFixture.split("t1", tape, "DISK_A", 1);

        assertThatThrownBy(() -> f.registrar.register(withStaging(plain,
                new TaskRegistration.Staging(101L, null, null)), "jdoe"))
                .isInstanceOf(InvalidObject.class).hasMessageContaining("staging.windowFiles").hasMessageContaining("100");
        assertThatThrownBy(() -> f.registrar.register(withStaging(plain,
                new TaskRegistration.Staging(null, 0L, null)), "jdoe"))
                .isInstanceOf(InvalidObject.class).hasMessageContaining("staging.windowBytes");
        assertThatThrownBy(() -> f.registrar.register(withStaging(plain,
                new TaskRegistration.Staging(null, null, "2026-11-01T00:00:00Z")), "jdoe"))
                .isInstanceOf(InvalidObject.class).hasMessageContaining("has passed");
        assertThatThrownBy(() -> f.registrar.register(withStaging(plain,
                new TaskRegistration.Staging(null, null, "tomorrow")), "jdoe"))
                .isInstanceOf(InvalidObject.class).hasMessageContaining("ISO-8601");
        assertThat(f.b.count("MATCH (t:BridgeTask) RETURN count(t)", Map.of())).isZero();
        assertThat(f.b.count("MATCH (c:Campaign) RETURN count(c)", Map.of())).isZero();
        assertThat(f.b.count("MATCH (r:Rule) RETURN count(r)", Map.of())).isZero();
    }
}
