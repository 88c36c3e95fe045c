package org.stevedore.rules.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stevedore.catalog.account.AccountType;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidType;
import org.stevedore.catalog.did.NewDid;
import org.stevedore.catalog.did.UpdatedDidQueue;
import org.stevedore.catalog.replica.NewReplica;
import org.stevedore.catalog.replica.Replica;
import org.stevedore.catalog.rse.Lfn2Pfn;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.testing.StoreTest;
import org.stevedore.rules.store.UndertakerStore;
import org.stevedore.rules.workers.RuleCleaner;
import org.stevedore.rules.workers.RuleReevaluator;
import org.stevedore.rules.workers.Undertaker;
import org.stevedore.transfer.reaper.Reaper;
import org.stevedore.transfer.reaper.SpaceProbe;
import org.stevedore.transfer.storage.PosixStorage;
import org.stevedore.transfer.storage.StorageProtocols;
import org.stevedore.transfer.store.ReaperStore;
import org.stevedore.transfer.store.RequestQueue;

/**
 * How data leaves a posix RSE, end to end through the rules engine, the undertaker and the reaper with real files: a
 * lock that ends leaves a replica as deletable as it was before, never more; an intermediate dataset of a processing
 * chain leaves the disk with its rule or lifetime, and nothing another step or dataset still needs goes with it.
 */
class DeletionLifecycleTest extends StoreTest {

    @TempDir
    Path root;

    private final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
    private RuleFixture f;
    private Reaper reaper;
    private Undertaker undertaker;
    private RuleReevaluator reevaluator;
    private RuleCleaner cleaner;

    @BeforeEach
    void grid() {
        f = new RuleFixture(store, clock, 10_000);
        f.rse("DISK", Map.of());
        RseProtocolStore protocols = new RseProtocolStore(store);
        protocols.add("DISK", Map.of("scheme", "file", "prefix", root.toString(),
                "domains", Map.of("wan", Map.of("read", 1, "write", 1, "delete", 1))));
        reaper = new Reaper(new ReaperStore(store, clock), protocols,
                new StorageProtocols(Map.of("file", new PosixStorage())), 100, SpaceProbe.NONE);
        UpdatedDidQueue queue = new UpdatedDidQueue(store);
        undertaker = new Undertaker(new UndertakerStore(store, queue, clock, new RequestQueue()), f.service, clock, 100,
                Duration.ofMinutes(10));
        reevaluator = new RuleReevaluator(queue, f.maintenance, 100);
        cleaner = new RuleCleaner(f.queries, f.service, clock, 100);
    }

    private static DidRef did(String name) {
        return new DidRef("s", name);
    }

    /** A dataset of files registered on DISK (real 10-byte files), with no rule. */
    private List<String> registered(String dataset, int n) throws Exception {
        List<String> names = f.dataset(dataset, n, 10, "DISK");
        for (String name : names) {
            Path file = root.resolve(Lfn2Pfn.hash("s", name));
            Files.createDirectories(file.getParent());
            Files.writeString(file, "0123456789");
        }
        return names;
    }

    private boolean onDisk(String name) {
        return Files.exists(root.resolve(Lfn2Pfn.hash("s", name)));
    }

    private Replica replica(String name) {
        return f.replicas.get(did(name), "DISK");
    }

    private String rule(RuleRequest request) {
        return f.service.add(request, "jdoe").get(0);
    }

    private void runAll() {
        for (int i = 0; i < 5; i++) {
            while (reevaluator.runOnce(Partition.whole()).didWork()) {
                // drain
            }
            cleaner.runOnce(Partition.whole());
            undertaker.runOnce(Partition.whole());
            reaper.runOnce(Partition.whole());
        }
    }

    @Test
    void rawFilesWithNoRuleOnAGreedyRseSurviveTheEndOfATasksPin() throws Exception {
        // Seen: raw files registered with no rule on a greedy RSE, their only copy, were deleted right after a
        // bridge task that read them ended, because the task's pin left a tombstone.
        f.rses.setAttribute("DISK", "greedyDeletion", true);
        List<String> raw = registered("raw", 3);
        String pin = rule(RuleRequest.of(List.of(did("raw")), 1, "DISK").withLifetime(3600L));
        assertThat(replica(raw.get(0)).lockCnt()).isEqualTo(1);

        f.service.delete(pin, false);
        runAll();

        for (String name : raw) {
            assertThat(onDisk(name)).as(name).isTrue();
            assertThat(replica(name).tombstone()).as(name).isNull();
        }
        // The same when the pin expires instead of being removed.
        String expiring = rule(RuleRequest.of(List.of(did("raw")), 1, "DISK").withLifetime(60L));
        clock.advance(Duration.ofMinutes(2));
        runAll();
        assertThat(f.count("MATCH (r:Rule {id: $id}) RETURN count(r)", Map.of("id", expiring))).isZero();
        raw.forEach(name -> assertThat(onDisk(name)).as(name).isTrue());
    }

    @Test
    void aReplicaReturnsToTheTombstoneItHadBeforeItsFirstLockAndAPurgeMakesAnEarlierOneObsolete() throws Exception {
        List<String> files = registered("ds", 2);
        Instant earlier = Instant.parse("2026-11-01T00:00:00Z");
        store.run("MATCH (:Did {key: $k})-[r:REPLICA]->() SET r.tombstone = $t",
                Map.of("k", "s:" + files.get(0), "t", earlier.toEpochMilli()));
        String first = rule(RuleRequest.of(List.of(did("ds")), 1, "DISK"));
        String second = rule(RuleRequest.of(List.of(did(files.get(0))), 1, "DISK"));
        assertThat(replica(files.get(0)).tombstone()).isNull();

        f.service.delete(first, false);
        assertThat(replica(files.get(0)).tombstone()).as("still locked").isNull();
        f.service.delete(second, false);
        assertThat(replica(files.get(0)).tombstone()).isEqualTo(earlier);
        assertThat(replica(files.get(1)).tombstone()).isNull();

        String purging = rule(new RuleRequest(List.of(did("ds")), null, 1, "DISK", null, null, null, null, null, null,
                null, true, null, null, null, null, null, null));
        f.service.delete(purging, true);
        assertThat(replica(files.get(0)).tombstone()).as("it had one: the purge makes it OBSOLETE")
                .isEqualTo(Instant.EPOCH);
        assertThat(replica(files.get(1)).tombstone()).as("it had none: a rule's purge does not delete it").isNull();
    }

    @Test
    void intermediateDatasetsOfAChainLeaveTheDiskButNothingStillNeededGoes() throws Exception {
        // An SPD-like chain on DISK (neither greedy nor short of space): raw -> step1 -> step2 -> final.
        List<String> raw = registered("raw", 2);
        String rawPin = rule(RuleRequest.of(List.of(did("raw")), 1, "DISK"));
        // Step 1 writes its outputs: an intermediate dataset with a rule, and a lifetime of an hour.
        List<String> step1 = registered("step1", 3);
        String step1Rule = rule(RuleRequest.of(List.of(did("step1")), 1, "DISK"));
        f.dids.setExpiry("s", "step1", clock.instant().plus(Duration.ofHours(1)));
        f.service.delete(rawPin, false);
        // Step 2 reads step1 (its pin), writes step2 (an intermediate dataset with a lifetime and no rule).
        f.accounts.add("bridge", AccountType.SERVICE, null);
        String step2Pin = f.service.add(RuleRequest.of(List.of(did("step1")), 1, "DISK"), "bridge").get(0);
        List<String> step2 = registered("step2", 2);
        f.dids.setExpiry("s", "step2", clock.instant().plus(Duration.ofHours(2)));
        f.service.delete(step2Pin, false);
        // What must stay: step1.f0 is also in the final dataset, which has a rule; step2.f0 is still read by a later
        // step (a rule on the file itself).
        f.dids.add(List.of(NewDid.collection("s", "final", DidType.DATASET, "jdoe")));
        f.attachments.attach(did("final"), List.of(did(step1.get(0))), false);
        rule(RuleRequest.of(List.of(did("final")), 1, "DISK"));
        String later = rule(RuleRequest.of(List.of(did(step2.get(0))), 1, "DISK"));

        runAll();
        List<String> all = new ArrayList<>(raw);
        all.addAll(step1);
        all.addAll(step2);
        all.forEach(name -> assertThat(onDisk(name)).as("before any end: " + name).isTrue());

        // step1's lifetime ends, then step2's.
        clock.advance(Duration.ofMinutes(61));
        runAll();
        assertThat(onDisk(step1.get(1))).isFalse();
        assertThat(onDisk(step1.get(2))).isFalse();
        assertThat(onDisk(step1.get(0))).as("in the final dataset, which has a rule").isTrue();
        assertThat(onDisk(step2.get(1))).as("step2 has not expired yet").isTrue();

        clock.advance(Duration.ofHours(1));
        runAll();
        assertThat(f.dids.exists("s", "step2")).isFalse();
        assertThat(onDisk(step2.get(1))).isFalse();
        assertThat(onDisk(step2.get(0))).as("a later step's rule still locks it").isTrue();
        raw.forEach(name -> assertThat(onDisk(name)).as("raw data: " + name).isTrue());
        assertThat(onDisk(step1.get(0))).isTrue();

        // The later step ends: step2.f0 belonged to an intermediate dataset whose lifetime ended, so it goes now.
        f.service.delete(later, false);
        runAll();
        assertThat(onDisk(step2.get(0))).isFalse();
        assertThat(onDisk(step1.get(0))).isTrue();
        assertThat(f.count("MATCH (r:Rule {id: $id}) RETURN count(r)", Map.of("id", step1Rule))).isZero();
    }
}
