package org.stevedore.bridge.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.bridge.BridgeFixture;
import org.stevedore.bridge.error.InvalidJobState;
import org.stevedore.bridge.error.JobNotReady;
import org.stevedore.bridge.store.BridgeStore.Job;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.error.DataIdentifierNotFound;
import org.stevedore.catalog.error.Duplicate;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.testing.StoreTest;
import org.stevedore.rules.error.InvalidRSEExpression;
import org.stevedore.rules.store.LockOutcomes;
import org.stevedore.transfer.store.RequestOutcomes;

class BridgeServiceTest extends StoreTest {

    private final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
    private BridgeFixture f;

    @BeforeEach
    void grid() {
        f = new BridgeFixture(store, clock);
    }

    private static Map<String, List<String>> jobs(Object... idsAndFiles) {
        Map<String, List<String>> jobs = new LinkedHashMap<>();
        for (int i = 0; i < idsAndFiles.length; i += 2) {
            @SuppressWarnings("unchecked")
            List<String> files = (List<String>) idsAndFiles[i + 1];
            jobs.put((String) idsAndFiles[i], files);
        }
        return jobs;
    }

    private Map<String, String> states(String taskId) {
        Map<String, String> states = new LinkedHashMap<>();
        f.bridge.jobs(taskId).forEach(j -> states.put(j.id(), j.state()));
        return states;
    }

    private long nodes() {
        return f.count("MATCH (n) RETURN count(n)", Map.of());
    }

    @Test
    void jobsWhoseInputsAreOnDiskAlreadyAreReleasedAtRegistrationInOrder() {
        List<String> files = f.files("f", 3, "DISK_A");
        var task = f.registrar.register(BridgeFixture.split("t1", files, "DISK_A", 1), "jdoe").task();
        assertThat(task.jobs()).extracting(Job::id).containsExactly("t1-1", "t1-2", "t1-3");
        assertThat(task.jobs()).extracting(Job::state).containsOnly("RELEASED");
        assertThat(task.jobs()).extracting(Job::seq).containsExactlyInAnyOrder(1L, 2L, 3L);
        assertThat(task.task().releaseSeq()).isEqualTo(3);
        assertThat(task.task().ruleId()).isNotNull();
        assertThat(f.queries.get(task.task().ruleId()).activity()).isEqualTo("Workload Bridge");
    }

    @Test
    void aJobIsReleasedOnlyWhenEveryInputHasLandedOnTheTasksDisk() throws Exception {
        List<String> files = f.files("f", 3, "SRC");
        f.registrar.register(BridgeFixture.listed("t1", files, "DISK_A",
                jobs("j1", List.of(files.get(0), files.get(1)), "j2", List.of(files.get(2)))), "jdoe");
        assertThat(states("t1")).containsEntry("j1", "HELD").containsEntry("j2", "HELD");
        assertThat(f.submitAll()).hasSize(3);

        f.transferred(files.get(0), "DISK_A", true);
        f.worker.runOnce(Partition.whole());
        assertThat(states("t1")).containsEntry("j1", "HELD").containsEntry("j2", "HELD");

        f.transferred(files.get(2), "DISK_A", true);
        f.worker.runOnce(Partition.whole());
        assertThat(states("t1")).containsEntry("j1", "HELD").containsEntry("j2", "RELEASED");

        f.transferred(files.get(1), "DISK_A", true);
        f.worker.runOnce(Partition.whole());
        assertThat(f.bridge.jobs("t1")).extracting(Job::id, Job::state, Job::seq)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("j1", "RELEASED", 2L),
                        org.assertj.core.groups.Tuple.tuple("j2", "RELEASED", 1L));
    }

    @Test
    void aReplicaOnAnRseOutsideTheExpressionReleasesNothing() throws Exception {
        List<String> files = f.files("f", 1, "SRC");
        f.registrar.register(BridgeFixture.split("t1", files, "DISK_A", 1), "jdoe");
        f.gate.checkPartition(Partition.whole());
        f.worker.runOnce(Partition.whole());
        assertThat(states("t1")).containsEntry("t1-1", "HELD");
    }

    @Test
    void replicasRegisteredDirectlyAreFoundByTheFullCheck() {
        List<String> files = f.files("f", 2, "SRC");
        f.registrar.register(BridgeFixture.split("t1", files, "DISK_A", 2), "jdoe");
        // Copies registered by hand (no transfer, no event): the rule's COPYING replicas are set AVAILABLE directly.
        f.store.run("MATCH (f:Did)-[r:REPLICA]->(:Rse {rse: 'DISK_A'}) SET r.state = 'AVAILABLE'", Map.of());
        assertThat(states("t1")).containsEntry("t1-1", "HELD");
        f.gate.checkPartition(Partition.whole());
        assertThat(states("t1")).containsEntry("t1-1", "RELEASED");
    }

    @Test
    void aFinishInAnotherInstanceIsHeardThroughTheOutbox() throws Exception {
        List<String> files = f.files("f", 1, "SRC");
        f.registrar.register(BridgeFixture.split("t1", files, "DISK_A", 1), "jdoe");
        f.submitAll();
        f.worker.runOnce(Partition.whole()); // the first cycle polls the (empty) outbox and does the full check
        // Another instance's request store: its wake-up does not reach this worker, only its outbox event does.
        RequestOutcomes elsewhere = new RequestOutcomes(store, clock, new LockOutcomes(f.rules));
        elsewhere.finish(List.of(new RequestOutcomes.Outcome(files.get(0) + "|" + f.rses.get("DISK_A").id(), true, null)), 0);
        f.worker.runOnce(Partition.whole());
        assertThat(states("t1")).containsEntry("t1-1", "HELD");
        clock.advance(Duration.ofSeconds(3));
        f.worker.runOnce(Partition.whole());
        assertThat(states("t1")).containsEntry("t1-1", "RELEASED");
    }

    @Test
    void splittingMakesJobsOfNFilesInInputOrderWithTheLastOneShorter() {
        List<String> files = f.files("f", 5, "SRC");
        f.dataset("ds", files);
        var task = f.registrar.register(BridgeFixture.split("t1", List.of("s:ds"), "DISK_A", 2), "jdoe").task();
        assertThat(task.jobs()).extracting(j -> j.files().size()).containsExactly(2, 2, 1);
        assertThat(task.jobs().get(0).files()).containsExactly("s:f0", "s:f1");
    }

    @Test
    void anUnknownInputIsRefusedByNameAndNothingIsWritten() {
        List<String> files = f.files("f", 1, "SRC");
        long before = nodes();
        assertThatThrownBy(() -> f.registrar.register(BridgeFixture.split("t1", List.of(files.get(0), "s:nope"),
                "DISK_A", 1), "jdoe")).isInstanceOf(DataIdentifierNotFound.class).hasMessageContaining("s:nope");
        assertThat(nodes()).isEqualTo(before);
    }

    @Test
    void badJobListsAreRefusedNamingTheProblemAndWriteNothing() {
        List<String> files = f.files("f", 2, "SRC");
        long before = nodes();
        assertThatThrownBy(() -> f.registrar.register(BridgeFixture.listed("t1", List.of(files.get(0)), "DISK_A",
                jobs("j1", List.of(files.get(1)))), "jdoe")).isInstanceOf(InvalidObject.class)
                .hasMessageContaining("s:f1").hasMessageContaining("not among the task's input files");
        var dup = new TaskRegistration("t1", files, "DISK_A", 60, null, List.of(
                new TaskRegistration.JobSpec("j1", List.of(files.get(0))),
                new TaskRegistration.JobSpec("j1", List.of(files.get(1)))), null, null);
        assertThatThrownBy(() -> f.registrar.register(dup, "jdoe")).isInstanceOf(InvalidObject.class)
                .hasMessageContaining("'j1' appears twice");
        var both = new TaskRegistration("t1", files, "DISK_A", 60, null, List.of(), new TaskRegistration.Split(1), null);
        assertThatThrownBy(() -> f.registrar.register(both, "jdoe")).isInstanceOf(InvalidObject.class)
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> f.registrar.register(BridgeFixture.split("t1", files, "NOWHERE", 1), "jdoe"))
                .isInstanceOf(InvalidRSEExpression.class);
        assertThatThrownBy(() -> f.registrar.register(new TaskRegistration("t1", files, "DISK_A", "soon", null, null,
                new TaskRegistration.Split(1), null), "jdoe")).isInstanceOf(InvalidObject.class)
                .hasMessageContaining("pinLifetime");
        assertThat(nodes()).isEqualTo(before);
    }

    @Test
    void aJobIdTakenByAnotherTaskIsRefusedAndTheTaskIsNotWritten() {
        List<String> files = f.files("f", 2, "SRC");
        f.registrar.register(BridgeFixture.listed("t1", files, "DISK_A", jobs("j1", List.of(files.get(0)))), "jdoe");
        assertThatThrownBy(() -> f.registrar.register(BridgeFixture.listed("t2", files, "DISK_A",
                jobs("j1", List.of(files.get(1)))), "jdoe")).isInstanceOf(Duplicate.class).hasMessageContaining("j1");
        assertThat(f.bridge.task("t2")).isEmpty();
    }

    @Test
    void registeringTheSameTaskAgainAnswersItAndAnotherDefinitionIsRefused() {
        List<String> files = f.files("f", 2, "SRC");
        var first = f.registrar.register(BridgeFixture.split("t1", files, "DISK_A", 1), "jdoe");
        var again = f.registrar.register(BridgeFixture.split("t1", files, "DISK_A", 1), "jdoe");
        assertThat(first.created()).isTrue();
        assertThat(again.created()).isFalse();
        assertThat(again.task().task().ruleId()).isEqualTo(first.task().task().ruleId());
        assertThat(again.task().jobs()).isEqualTo(first.task().jobs());
        assertThat(f.count("MATCH (r:Rule) RETURN count(r)", Map.of())).isEqualTo(1);
        assertThatThrownBy(() -> f.registrar.register(BridgeFixture.split("t1", files, "DISK_A", 2), "jdoe"))
                .isInstanceOf(Duplicate.class).hasMessageContaining("another definition");
    }

    @Test
    void readyIsNotFoundUntilReleasedThenListsTheInputReplicasOnTheTasksRses() throws Exception {
        List<String> files = f.files("f", 1, "SRC");
        f.registrar.register(BridgeFixture.split("t1", files, "DISK_A", 1), "jdoe");
        assertThatThrownBy(() -> f.service.ready("t1-1")).isInstanceOf(JobNotReady.class);
        f.submitAll();
        f.transferred(files.get(0), "DISK_A", true);
        f.worker.runOnce(Partition.whole());
        var ready = f.service.ready("t1-1");
        assertThat(ready.replicas()).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("s:f0");
            assertThat(r.rse()).isEqualTo("DISK_A");
        });
    }

    @Test
    void jobEndReportsMoveReleasedJobsOnAndRefuseContradictions() {
        List<String> files = f.files("f", 2, "DISK_A");
        f.files("g", 1, "SRC");
        f.registrar.register(BridgeFixture.listed("t1", List.of(files.get(0), files.get(1), "s:g0"), "DISK_A",
                jobs("j1", List.of(files.get(0)), "j2", List.of(files.get(1)), "j3", List.of("s:g0"))), "jdoe");
        assertThat(f.ender.endJob("j1", TaskEnder.EndState.DONE).changed()).isTrue();
        assertThat(f.ender.endJob("j1", TaskEnder.EndState.DONE).changed()).isFalse();
        assertThatThrownBy(() -> f.ender.endJob("j1", TaskEnder.EndState.FAILED))
                .isInstanceOf(InvalidJobState.class).hasMessageContaining("already ended as done");
        assertThatThrownBy(() -> f.ender.endJob("j3", TaskEnder.EndState.DONE))
                .isInstanceOf(InvalidJobState.class).hasMessageContaining("not released yet");
        f.ender.endJob("j3", TaskEnder.EndState.CANCELLED);
        assertThatThrownBy(() -> f.service.ready("j3")).isInstanceOf(InvalidJobState.class);
        var last = f.ender.endJob("j2", TaskEnder.EndState.FAILED);
        assertThat(last.taskFinished()).isTrue();
        assertThat(f.bridge.task("t1").orElseThrow().state()).isEqualTo("FINISHED");
        assertThat(f.count("MATCH (r:Rule) RETURN count(r)", Map.of())).isZero();
    }

    @Test
    void outputsReportedWithAJobEndAreRegisteredAndTheirDatasetClosesWithTheTask() {
        List<String> files = f.files("f", 2, "DISK_A");
        f.registrar.register(BridgeFixture.split("t1", files, "DISK_A", 1), "jdoe");
        var out = new TaskEnder.JobOutput("s", "t1.out", List.of(
                new org.stevedore.bridge.store.JobOutputs.Output("t1-1.root", 10L, "0000000a", "DISK_B", null)));
        f.ender.endJob("t1-1", TaskEnder.EndState.DONE, out, "jdoe");
        assertThat(f.dids.get("s", "t1.out").open()).isTrue();
        var bad = new TaskEnder.JobOutput("s", "t1.out", List.of(
                new org.stevedore.bridge.store.JobOutputs.Output("t1-2.root", 10L, "0000000a", "NO_SUCH_RSE", null)));
        assertThatThrownBy(() -> f.ender.endJob("t1-2", TaskEnder.EndState.DONE, bad, "jdoe"))
                .hasMessageContaining("NO_SUCH_RSE");
        assertThat(f.bridge.job("t1-2").orElseThrow().state()).isEqualTo("RELEASED");
        f.ender.endJob("t1-2", TaskEnder.EndState.DONE, null, "jdoe");
        assertThat(f.bridge.task("t1").orElseThrow().state()).isEqualTo("FINISHED");
        assertThat(f.dids.get("s", "t1.out").open()).isFalse();
    }

    @Test
    void releasesOfATaskWithAWebhookWriteADeliveryInTheSameTransaction() {
        List<String> files = f.files("f", 2, "DISK_A");
        f.registrar.register(new TaskRegistration("t1", files, "DISK_A", "PT1H", 2, null, new TaskRegistration.Split(1),
                new TaskRegistration.Webhook("https://hooks.example/bridge", "s3cret")), "jdoe");
        assertThat(f.count("MATCH (:BridgeTask {id: 't1'})-[:DELIVERY]->(w:WebhookDelivery) "
                + "WHERE w.from_seq = 1 AND w.to_seq = 2 RETURN count(w)", Map.of())).isEqualTo(1);
        f.registrar.register(BridgeFixture.split("t2", files, "DISK_A", 1), "jdoe");
        assertThat(f.count("MATCH (w:WebhookDelivery {task_id: 't2'}) RETURN count(w)", Map.of())).isZero();
    }

    @Test
    void pinLifetimeIsSecondsOrAnIsoDuration() {
        assertThat(PinLifetime.seconds(90, Duration.ofDays(1))).isEqualTo(90);
        assertThat(PinLifetime.seconds("90", Duration.ofDays(1))).isEqualTo(90);
        assertThat(PinLifetime.seconds("PT2H", Duration.ofDays(1))).isEqualTo(7200);
        assertThat(PinLifetime.seconds("P1D", Duration.ofDays(1))).isEqualTo(86400);
        assertThat(PinLifetime.seconds(null, Duration.ofHours(3))).isEqualTo(10800);
        assertThatThrownBy(() -> PinLifetime.seconds(0, Duration.ofDays(1))).isInstanceOf(InvalidObject.class);
        assertThatThrownBy(() -> PinLifetime.seconds("-PT1H", Duration.ofDays(1))).isInstanceOf(InvalidObject.class);
        assertThatThrownBy(() -> PinLifetime.seconds(1.5, Duration.ofDays(1))).isInstanceOf(InvalidObject.class);
        assertThatThrownBy(() -> PinLifetime.seconds(true, Duration.ofDays(1))).isInstanceOf(InvalidObject.class);
    }

    @Test
    void datasetNamesStayWithinTheNameRulesAndDifferForDifferentIds() {
        String a = TaskDefinition.datasetName("manual__2026-11-22T10:00:00+00:00");
        String b = TaskDefinition.datasetName("manual__2026-11-22T10:00:00-00:00");
        assertThat(a).startsWith("task.manual__2026-11-22T10_00_00_00_00.").isNotEqualTo(b);
        org.stevedore.catalog.naming.Names.name(a);
    }
}
