package org.stevedore.catalog.daemon;

import org.stevedore.catalog.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.testing.StoreTest;

class HeartbeatStoreTest extends StoreTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final List<String> KEYS = IntStream.range(0, 10_000).mapToObj(i -> "mc23:EVNT." + i).toList();

    private final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T12:00:00Z"));
    private final HeartbeatStore heartbeats = new HeartbeatStore(store, clock, TIMEOUT);

    private final WorkerId a = new WorkerId("reaper", "node-a.cern.ch", 4101, "reaper-0");
    private final WorkerId b = new WorkerId("reaper", "node-b.cern.ch", 977, "reaper-0");

    @Test
    void twoLiveWorkersSplitTheKeysWithNoOverlapAndNoGap() {
        heartbeats.beat(a);
        heartbeats.beat(b);
        // A's partition is only complete once it has seen B: beat again, as the loop would.
        Partition pa = heartbeats.beat(a);
        Partition pb = heartbeats.beat(b);

        assertThat(pa.count()).isEqualTo(2);
        assertThat(pb.count()).isEqualTo(2);
        assertThat(Set.of(pa.index(), pb.index())).containsExactlyInAnyOrder(0, 1);

        Set<String> ofA = new HashSet<>();
        Set<String> ofB = new HashSet<>();
        KEYS.stream().filter(pa::owns).forEach(ofA::add);
        KEYS.stream().filter(pb::owns).forEach(ofB::add);
        assertThat(ofA).isNotEmpty().doesNotContainAnyElementsOf(ofB);
        assertThat(ofB).isNotEmpty();
        assertThat(ofA.size() + ofB.size()).isEqualTo(KEYS.size());
    }

    @Test
    void aWorkerThatStopsBeatingDropsOutAndTheSurvivorOwnsEverything() {
        heartbeats.beat(a);
        heartbeats.beat(b);
        assertThat(heartbeats.beat(a).count()).isEqualTo(2);

        // B stops beating; A keeps on until B's last beat is older than the timeout.
        clock.advance(TIMEOUT.minusSeconds(1));
        assertThat(heartbeats.beat(a).count()).as("B still within timeout").isEqualTo(2);
        clock.advance(Duration.ofSeconds(2));
        assertThat(heartbeats.live("reaper")).extracting(Heartbeat::worker).containsExactly(a);

        Partition survivor = heartbeats.beat(a);
        assertThat(survivor).isEqualTo(Partition.whole());
        assertThat(KEYS).allMatch(survivor::owns);
        assertThat(store.run("MATCH (h:Heartbeat) RETURN h.key AS key", Map.of()))
                .as("the beat deleted the dead heartbeat").extracting(r -> r.get("key").asString())
                .containsExactly(a.key());
    }

    @Test
    void liveRecordsHostPidThreadTimeAndPayloadSortedByKey() {
        heartbeats.beat(b, "{\"rses\":3}");
        clock.advance(Duration.ofSeconds(5));
        heartbeats.beat(a);

        List<Heartbeat> live = heartbeats.live("reaper");

        assertThat(live).extracting(Heartbeat::key).containsExactly(a.key(), b.key());
        Heartbeat first = live.get(0);
        assertThat(first.worker().host()).isEqualTo("node-a.cern.ch");
        assertThat(first.worker().pid()).isEqualTo(4101L);
        assertThat(first.worker().thread()).isEqualTo("reaper-0");
        assertThat(first.updatedAt()).isEqualTo(clock.instant());
        assertThat(first.payload()).isNull();
        assertThat(live.get(1).updatedAt()).isEqualTo(clock.instant().minusSeconds(5));
        assertThat(live.get(1).payload()).isEqualTo("{\"rses\":3}");
        assertThat(a.key()).isEqualTo("reaper|node-a.cern.ch|4101|reaper-0");
    }

    @Test
    void executablesArePartitionedSeparately() {
        WorkerId submitter = new WorkerId("conveyor-submitter", "node-a.cern.ch", 4101, "conveyor-submitter-0");
        heartbeats.beat(a);
        heartbeats.beat(b);

        assertThat(heartbeats.beat(submitter)).isEqualTo(Partition.whole());
        assertThat(heartbeats.live("conveyor-submitter")).extracting(Heartbeat::worker).containsExactly(submitter);
        assertThat(heartbeats.live("reaper")).hasSize(2);
    }

    @Test
    void removeTakesTheWorkerOutAtOnce() {
        heartbeats.beat(a);
        heartbeats.beat(b);

        heartbeats.remove(b);

        assertThat(heartbeats.live("reaper")).extracting(Heartbeat::worker).containsExactly(a);
        assertThat(heartbeats.beat(a)).isEqualTo(Partition.whole());
    }

    @Test
    void cypherFilterSelectsTheSameNodesAsOwns() {
        List<Map<String, Object>> rows = KEYS.stream()
                .map(k -> Map.<String, Object>of("key", k, "bucket", Partition.bucket(k))).toList();
        store.run("UNWIND $rows AS row CREATE (:DaemonTestWork {key: row.key, hash_bucket: row.bucket})",
                Map.of("rows", rows));

        for (Partition p : List.of(new Partition(0, 3), new Partition(1, 3), new Partition(2, 3))) {
            Map<String, Object> params = new HashMap<>(p.cypherParams());
            List<String> selected = store.read(tx -> tx.run(
                    "MATCH (w:DaemonTestWork) WHERE " + p.cypherFilter("w") + " RETURN w.key AS key", params)
                    .list(r -> r.get("key").asString()));
            assertThat(selected).as("partition %s", p).isNotEmpty()
                    .containsExactlyInAnyOrderElementsOf(KEYS.stream().filter(p::owns).toList());
        }
    }
}
