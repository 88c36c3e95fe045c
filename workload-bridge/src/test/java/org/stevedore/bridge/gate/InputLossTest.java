package org.stevedore.bridge.gate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.bridge.BridgeFixture;
import org.stevedore.bridge.store.BridgeStore;
import org.stevedore.bridge.store.InputLossStore;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.replica.BadReplicaStore;
import org.stevedore.catalog.replica.BadState;
import org.stevedore.catalog.replica.NewReplica;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.testing.StoreTest;

/**
 * A released job whose input was declared bad, with no other good copy on its task's RSEs, is held again with the
 * reason; one whose input has another good copy stays released.
 */
class InputLossTest extends StoreTest {

    private BridgeFixture f;
    private List<String> files;
    private final Map<String, String> other = new HashMap<>();
    private final Map<String, String> picked = new HashMap<>();
    private BadReplicaStore declarations;
    private InputLossWorker watcher;

    @BeforeEach
    void twoReleasedJobs() throws Exception {
        f = new BridgeFixture(store, MutableClock.at("2026-12-07T10:00:00Z"));
        files = f.files("f", 2, "SRC");
        f.registrar.register(BridgeFixture.split("t", files, "DISK_A|DISK_B", 1), "jdoe");
        for (String k : files) {
            String rse = store.read(tx -> tx.run("""
                    MATCH (:Did {key: $k})-[r:REPLICA {state: 'COPYING'}]->(rse:Rse) RETURN rse.rse
                    """, Map.of("k", k)).single().get(0).asString());
            picked.put(k, rse);
            other.put(k, rse.equals("DISK_A") ? "DISK_B" : "DISK_A");
        }
        f.worker.runOnce(Partition.whole());
        for (int i = 0; i < 2; i++) {
            f.replicas.add(other.get(files.get(i)), List.of(NewReplica.of("s", "f" + i, 100, "0000000" + i)), "jdoe",
                    true, null);
        }
        f.clock.advance(Duration.ofMillis(500));
        f.worker.runOnce(Partition.whole());
        assertThat(states()).containsExactly("RELEASED", "RELEASED");
        declarations = new BadReplicaStore(store, f.clock, BadReplicaStore.Settings.defaults());
        watcher = new InputLossWorker(new InputLossStore(store), f.events, f.clock);
    }

    private List<String> states() {
        return f.bridge.jobs("t").stream().map(BridgeStore.Job::state).toList();
    }

    private String heldReason(String job) {
        return store.read(tx -> tx.run("MATCH (j:BridgeJob {id: $id}) RETURN j.held_reason", Map.of("id", job))
                .single().get(0).asString(null));
    }

    @Test
    void aReleasedJobWhoseOnlyInputCopyWentBadIsHeldAgainWithTheReason() {
        // f1 has a second good copy on the task's RSEs: the copy its rule was making arrived.
        store.run("MATCH (:Did {key: 's:f1'})-[r:REPLICA {state: 'COPYING'}]->() SET r.state = 'AVAILABLE'", Map.of());
        f.clock.advance(Duration.ofSeconds(1));
        for (int i = 0; i < 2; i++) {
            declarations.declare(List.of(BadReplicaStore.Item.of("s", "f" + i, other.get(files.get(i)))), BadState.BAD,
                    "checksum mismatch", "root", null, false);
        }

        assertThat(watcher.runOnce(Partition.whole()).items()).isEqualTo(1);

        assertThat(states()).containsExactly("HELD", "RELEASED");
        assertThat(heldReason("t-1")).isEqualTo("bad");
        assertThat(watcher.runOnce(Partition.whole()).items()).as("each event once").isZero();
    }

    @Test
    void aTemporaryUnavailabilityHoldsWithItsOwnReason() {
        f.clock.advance(Duration.ofSeconds(1));
        declarations.declare(List.of(BadReplicaStore.Item.of("s", "f0", other.get(files.get(0)))),
                BadState.TEMPORARY_UNAVAILABLE, "downtime", "root", f.clock.instant().plus(Duration.ofHours(1)), false);

        watcher.runOnce(Partition.whole());

        assertThat(states()).containsExactly("HELD", "RELEASED");
        assertThat(heldReason("t-1")).isEqualTo("unavailable");
    }
}
