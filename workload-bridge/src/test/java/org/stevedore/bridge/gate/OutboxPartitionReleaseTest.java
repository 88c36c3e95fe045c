package org.stevedore.bridge.gate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.stevedore.bridge.BridgeFixture;
import org.stevedore.bridge.store.BridgeStore;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.testing.StoreTest;
import org.stevedore.rules.store.LockOutcomes;
import org.stevedore.transfer.store.RequestOutcomes;

/**
 * Several instances read the same {@code REPLICA_AVAILABLE} events from the outbox; each checks only the files of its
 * partition, so a file is checked by one instance, not by every one, and together they release every job once.
 */
class OutboxPartitionReleaseTest extends StoreTest {

    private static final int FILES = 40;

    @Test
    void twoInstancesShareTheOutboxsFilesByPartitionAndReleaseEveryJobOnce() throws Exception {
        BridgeFixture f = new BridgeFixture(store, MutableClock.at("2026-11-22T10:00:00Z"));
        List<String> files = f.files("f", FILES, "SRC");
        f.registrar.register(BridgeFixture.split("t", files, "DISK_A", 1), "jdoe");
        List<String> requests = f.submitAll();
        assertThat(requests).hasSize(FILES);
        // The transfers finish in a third instance: its wake-up reaches neither of the two, only its outbox event does.
        RequestOutcomes elsewhere = new RequestOutcomes(store, f.clock, new LockOutcomes(f.rules));
        elsewhere.finish(requests.stream().map(k -> new RequestOutcomes.Outcome(k, true, null)).toList(), 0);
        f.clock.advance(Duration.ofMillis(500));

        Partition first = new Partition(0, 2);
        long ownedByFirst = files.stream().filter(first::owns).count();
        assertThat(ownedByFirst).as("both partitions hold some of the files").isBetween(1L, FILES - 1L);
        ReleaseWorker.Settings settings = new ReleaseWorker.Settings(Duration.ZERO, Duration.ofSeconds(2),
                Duration.ofSeconds(60), Duration.ofSeconds(30));
        ReleaseWorker a = new ReleaseWorker(f.gate, f.events, f.clock, settings);
        ReleaseWorker b = new ReleaseWorker(f.gate, f.events, f.clock, settings);

        assertThat(a.pollOutbox(first)).as("jobs released by the first instance").isEqualTo(ownedByFirst);
        assertThat(released(f)).isEqualTo(ownedByFirst);
        assertThat(b.pollOutbox(new Partition(1, 2))).as("jobs released by the second instance")
                .isEqualTo(FILES - ownedByFirst);
        assertThat(f.bridge.jobs("t")).extracting(BridgeStore.Job::state).containsOnly("RELEASED");
        assertThat(f.bridge.jobs("t")).extracting(BridgeStore.Job::seq).doesNotHaveDuplicates().hasSize(FILES);
    }

    private static long released(BridgeFixture f) {
        return f.bridge.jobs("t").stream().filter(j -> j.state().equals("RELEASED")).count();
    }
}
