package org.stevedore.bridge.gate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.bridge.BridgeFixture;
import org.stevedore.bridge.store.BridgeStore;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.did.AttachmentStore;
import org.stevedore.catalog.did.UpdatedDidQueue;
import org.stevedore.catalog.replica.NewReplica;
import org.stevedore.catalog.replica.ReplicaStore;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.testing.StoreTest;

/**
 * Replicas registered directly as AVAILABLE (not by a transfer) release the jobs waiting on them through the wake-up
 * or the outbox, never needing the full check; and the full check, when it runs, works in slices and releases every
 * job, numbered in order.
 */
class DirectRegistrationReleaseTest extends StoreTest {

    private BridgeFixture f;
    private List<String> files;
    /**
     * For each file, the read RSE the task's pin rule did not pick for it: a direct registration there is not refused
     * as a duplicate of the rule's COPYING replica.
     */
    private final Map<String, String> other = new java.util.HashMap<>();

    @BeforeEach
    void taskOfThreeOneFileJobs() throws Exception {
        f = new BridgeFixture(store, MutableClock.at("2026-11-22T10:00:00Z"));
        files = f.files("f", 3, "SRC");
        f.registrar.register(BridgeFixture.split("t", files, "DISK_A|DISK_B", 1), "jdoe");
        for (String k : files) {
            String picked = store.read(tx -> tx.run("""
                    MATCH (:Did {key: $k})-[r:REPLICA {state: 'COPYING'}]->(rse:Rse) RETURN rse.rse
                    """, Map.of("k", k)).single().get(0).asString());
            other.put(k, picked.equals("DISK_A") ? "DISK_B" : "DISK_A");
        }
        // The start-up cycle: full check and outbox poll. The clock then stays put, so neither is due again.
        f.worker.runOnce(Partition.whole());
        assertThat(states()).containsOnly("HELD");
    }

    private List<String> states() {
        return f.bridge.jobs("t").stream().map(BridgeStore.Job::state).toList();
    }

    /** Registers f0 and f1 as AVAILABLE where the rule is not copying them, one call per RSE. */
    private void registerFirstTwo(ReplicaStore through) {
        for (int i = 0; i < 2; i++) {
            through.add(other.get(files.get(i)), List.of(NewReplica.of("s", "f" + i, 100, "0000000" + i)), "jdoe", true,
                    null);
        }
    }

    @Test
    void aReplicaRegisteredAvailableWakesTheGateWithoutTheFullCheck() throws Exception {
        f.clock.advance(Duration.ofMillis(500));
        registerFirstTwo(f.replicas);

        f.worker.runOnce(Partition.whole());

        assertThat(states()).containsExactly("RELEASED", "RELEASED", "HELD");
    }

    @Test
    void aReplicaRegisteredByAnotherInstanceIsReleasedFromTheOutbox() throws Exception {
        // Another instance's store: its wake-up reaches nobody here, only its outbox event does.
        ReplicaStore elsewhere = new ReplicaStore(store, f.clock, f.dids, new AttachmentStore(store, f.clock,
                new UpdatedDidQueue(store)));
        registerFirstTwo(elsewhere);
        f.clock.advance(Duration.ofMillis(500));
        f.worker.runOnce(Partition.whole());
        assertThat(states()).containsOnly("HELD");

        f.clock.advance(Duration.ofSeconds(2)); // the outbox poll is due, the full check (30 s) is not
        f.worker.runOnce(Partition.whole());

        assertThat(states()).containsExactly("RELEASED", "RELEASED", "HELD");
    }

    @Test
    void theFullCheckInSlicesReleasesEveryReadyJobNumberedInOrder() throws Exception {
        java.util.List<ReleaseWorker.Pass> passes = new java.util.ArrayList<>();
        ReleaseWorker observed = new ReleaseWorker(f.gate, f.events, f.clock, new ReleaseWorker.Settings(Duration.ZERO,
                Duration.ofSeconds(2), Duration.ofSeconds(60), Duration.ofSeconds(30), 2),
                (pass, keys, start, end) -> passes.add(pass));
        observed.runOnce(Partition.whole()); // its start-up cycle, nothing to release yet
        passes.clear();
        // Registered without an event, as an older instance or a bulk import would: only the full check sees them.
        for (String k : files) {
            store.write(tx -> tx.run("""
                    MATCH (r:Rse {rse: $rse}) MATCH (f:Did {key: $k})
                    CREATE (f)-[:REPLICA {state: 'AVAILABLE', path: $k, lock_cnt: 0}]->(r)
                    """, Map.of("rse", other.get(k), "k", k)).consume());
        }
        f.clock.advance(Duration.ofSeconds(30));

        observed.runOnce(Partition.whole());

        assertThat(passes).filteredOn(p -> p == ReleaseWorker.Pass.FULL).hasSize(2); // 3 jobs, 2 per slice
        assertThat(f.bridge.jobs("t")).extracting(BridgeStore.Job::id, BridgeStore.Job::seq)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("t-1", 1L), org.assertj.core.groups.Tuple.tuple("t-2", 2L),
                        org.assertj.core.groups.Tuple.tuple("t-3", 3L));
    }

    @Test
    void wokenFilesAreReleasedOnTheirOwnThreadWhileTheDaemonIsInsideTheFullCheck() throws Exception {
        java.util.concurrent.CountDownLatch inFullCheck = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch letGo = new java.util.concurrent.CountDownLatch(1);
        // One job per slice; after its first slice the daemon's cycle stops in the observer until let go.
        ReleaseWorker busy = new ReleaseWorker(f.gate, f.events, f.clock, new ReleaseWorker.Settings(
                Duration.ofMillis(50), Duration.ofSeconds(2), Duration.ofSeconds(60), Duration.ofSeconds(30), 1),
                (pass, keys, start, end) -> {
                    if (pass == ReleaseWorker.Pass.FULL && inFullCheck.getCount() > 0) {
                        inFullCheck.countDown();
                        try {
                            letGo.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                });
        f.availability.unsubscribe(f.worker);
        f.availability.subscribe(busy);
        Thread daemon = new Thread(() -> {
            try {
                busy.runOnce(Partition.whole()); // its first cycle: outbox poll, then the full check
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (ReleaseWorker.WakeThread wake = busy.startWakeThread()) {
            daemon.start();
            assertThat(inFullCheck.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

            registerFirstTwo(f.replicas);

            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!states().equals(List.of("RELEASED", "RELEASED", "HELD")) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(states()).as("released while the full check is still stopped").containsExactly("RELEASED",
                    "RELEASED", "HELD");
            assertThat(daemon.isAlive()).isTrue();
        } finally {
            letGo.countDown();
            daemon.join(10_000);
        }
    }
}
