package org.stevedore.bridge.staging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stevedore.bridge.BridgeFixture;
import org.stevedore.bridge.store.BridgeStore.Task;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.testing.StoreTest;

/**
 * Chunks of big datasets (ProdSys, CMS): a task whose inputs are whole datasets but whose jobs name some of their
 * files pins, copies and recalls only those files.
 */
class ChunkInputsTest extends StoreTest {

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

    @Test
    void aTaskOverWholeDatasetsLocksCopiesAndRecallsOnlyTheFilesItsJobsName() {
        List<String> disk = f.files("d", 4, 1_000, "SRC");
        List<String> tape = f.files("t", 4, 1_000, TapeTaskFixture.TAPE);
        f.b.dataset("run.disk", disk);
        f.b.dataset("run.tape", tape);
        List<String> chunk = List.of(disk.get(1), tape.get(2));

        f.registrar.register(BridgeFixture.listed("t1", List.of("s:run.disk", "s:run.tape"), "DISK_A",
                Map.of("j1", List.of(disk.get(1)), "j2", List.of(tape.get(2)))), "jdoe");

        Task task = f.service.task("t1");
        assertThat(f.campaigns.get(task.campaignId()).inputs()).as("recalled from tape").containsExactly(tape.get(2));
        List<String> others = new ArrayList<>(disk);
        others.addAll(tape);
        others.removeAll(chunk);
        for (String k : others) {
            assertThat(f.inDataset(task.datasetKey(), k)).as(k + " in the task's dataset").isFalse();
            assertThat(f.availableOn(k, "DISK_A")).as(k + " copied").isFalse();
        }
        assertThat(f.b.count("MATCH (:Rule {id: $rule})-[l:LOCK]->(f:Did) RETURN count(l)",
                Map.of("rule", task.ruleId()))).as("locks of the task's rule").isEqualTo(2);
        chunk.forEach(k -> assertThat(f.availableOn(k, "DISK_A")).as(k).isTrue());
        assertThat(f.b.bridge.job("j1").orElseThrow().state()).isEqualTo("RELEASED");
        assertThat(f.b.bridge.job("j2").orElseThrow().state()).isEqualTo("RELEASED");
    }
}
