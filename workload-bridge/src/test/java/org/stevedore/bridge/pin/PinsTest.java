package org.stevedore.bridge.pin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.bridge.BridgeFixture;
import org.stevedore.bridge.store.BridgeStore.Job;
import org.stevedore.bridge.task.TaskEnder.EndState;
import org.stevedore.bridge.task.TaskRegistration;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.testing.StoreTest;

/** Pins are the tasks' rule locks: a replica stays while any live task or unfinished job needs it. */
class PinsTest extends StoreTest {

    private final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
    private BridgeFixture f;
    private List<String> files;

    @BeforeEach
    void grid() {
        f = new BridgeFixture(store, clock);
        files = f.files("f", 3, "DISK_A");
        // Scratch copies that were already free for the reaper (an LRU tombstone) before any task pinned them: a pin
        // that ends gives them back that tombstone. Raw files without one stay without (see the last test).
        store.run("MATCH ()-[r:REPLICA]->(:Rse {rse: 'DISK_A'}) SET r.tombstone = 1000", Map.of());
    }

    @Test
    void aPinThatEndsLeavesARawFileWithoutATombstoneAsItWas() {
        // Seen: raw files registered without a rule, their only copy, deleted after a task that read them ended.
        store.run("MATCH ()-[r:REPLICA]->(:Rse {rse: 'DISK_A'}) REMOVE r.tombstone", Map.of());
        f.registrar.register(task("t1", List.of(files.get(0), files.get(1)), 3600), "jdoe");
        assertThat(pins(files.get(0))).isEqualTo(1L);

        f.ender.cancel("t1");

        assertThat(List.of(pins(files.get(0)), pins(files.get(1)), pins(files.get(2)))).containsExactly(0L, 0L, 0L);
    }

    /** Locks the replica of a file on DISK_A holds, or -1 when it has a tombstone (free for the reaper). */
    private long pins(String key) {
        return store.read(tx -> {
            var r = tx.run("MATCH (:Did {key: $k})-[r:REPLICA]->(:Rse {rse: 'DISK_A'}) RETURN r.lock_cnt AS n, "
                    + "r.tombstone IS NOT NULL AS gone", Map.of("k", key)).single();
            return r.get("gone").asBoolean() ? -1L : r.get("n").asLong(0);
        });
    }

    private TaskRegistration task(String id, List<String> inputs, long lifetime) {
        return new TaskRegistration(id, inputs, "DISK_A", lifetime, null, null, new TaskRegistration.Split(1), null);
    }

    @Test
    void cancellingATaskReleasesOnlyTheFilesNoOtherTaskNeeds() {
        f.registrar.register(task("t1", List.of(files.get(0), files.get(1)), 3600), "jdoe");
        f.registrar.register(task("t2", List.of(files.get(1), files.get(2)), 3600), "alice");
        assertThat(List.of(pins(files.get(0)), pins(files.get(1)), pins(files.get(2)))).containsExactly(1L, 2L, 1L);

        f.ender.cancel("t1");

        assertThat(List.of(pins(files.get(0)), pins(files.get(1)), pins(files.get(2)))).containsExactly(-1L, 1L, 1L);
        assertThat(f.bridge.jobs("t1")).extracting(Job::state).containsOnly("CANCELLED");
        assertThat(f.bridge.jobs("t2")).extracting(Job::state).containsOnly("RELEASED");
        assertThat(f.bridge.task("t2").orElseThrow().state()).isEqualTo("ACTIVE");
        // Cancelling again is harmless.
        assertThat(f.ender.cancel("t1").state()).isEqualTo("CANCELLED");
    }

    @Test
    void aFileIsUnpinnedWhenTheLastJobOfTheTaskNeedingItEnds() {
        f.registrar.register(new TaskRegistration("t1", files, "DISK_A", 3600, null, List.of(
                new TaskRegistration.JobSpec("j1", List.of(files.get(0), files.get(1))),
                new TaskRegistration.JobSpec("j2", List.of(files.get(1))),
                new TaskRegistration.JobSpec("j3", List.of(files.get(2)))), null, null), "jdoe");
        f.registrar.register(task("t2", List.of(files.get(0)), 3600), "alice");
        f.drainReevaluation();

        f.ender.endJob("j1", EndState.DONE);
        f.drainReevaluation();
        // f0: t1 needs it no more, t2 still does; f1: j2 of t1 still needs it.
        assertThat(List.of(pins(files.get(0)), pins(files.get(1)))).containsExactly(1L, 1L);

        f.ender.endJob("j2", EndState.FAILED);
        f.drainReevaluation();
        assertThat(pins(files.get(1))).isEqualTo(-1L);
        assertThat(pins(files.get(2))).isEqualTo(1L);

        f.ender.endJob("j3", EndState.DONE);
        assertThat(f.bridge.task("t1").orElseThrow().state()).isEqualTo("FINISHED");
        assertThat(pins(files.get(2))).isEqualTo(-1L);
        assertThat(pins(files.get(0))).isEqualTo(1L);
    }

    @Test
    void anAbandonedTasksPinsExpireWhileALiveTaskKeepsItsOwn() {
        LeaseExpirer expirer = new LeaseExpirer(f.leases, f.ender, clock, 100);
        f.registrar.register(task("t1", List.of(files.get(0), files.get(1)), 3600), "jdoe");
        f.registrar.register(task("t2", List.of(files.get(1)), 3600), "alice");

        clock.advance(Duration.ofMinutes(30));
        f.service.task("t2"); // t2's workflow is alive: its lease runs until 11:30, its rule with it
        String rule2 = f.bridge.task("t2").orElseThrow().ruleId();
        assertThat(f.queries.get(rule2).expiresAt()).isEqualTo(clock.instant().plus(Duration.ofHours(1)));

        clock.advance(Duration.ofMinutes(31)); // 11:01: t1 was last heard of at 10:00
        assertThat(expirer.runOnce(Partition.whole()).items()).isEqualTo(1);
        assertThat(f.bridge.task("t1").orElseThrow().state()).isEqualTo("EXPIRED");
        assertThat(f.bridge.task("t2").orElseThrow().state()).isEqualTo("ACTIVE");
        assertThat(f.bridge.jobs("t1")).extracting(Job::state).containsOnly("CANCELLED");
        assertThat(List.of(pins(files.get(0)), pins(files.get(1)))).containsExactly(-1L, 1L);

        clock.advance(Duration.ofMinutes(30)); // 11:31: t2 abandoned too
        assertThat(expirer.runOnce(Partition.whole()).items()).isEqualTo(1);
        assertThat(pins(files.get(1))).isEqualTo(-1L);
        assertThat(expirer.runOnce(Partition.whole()).items()).isZero();
    }
}
