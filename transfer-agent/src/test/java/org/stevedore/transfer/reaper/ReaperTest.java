package org.stevedore.transfer.reaper;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stevedore.catalog.account.AccountStore;
import org.stevedore.catalog.account.AccountType;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.did.AttachmentStore;
import org.stevedore.catalog.did.DidStore;
import org.stevedore.catalog.did.UpdatedDidQueue;
import org.stevedore.catalog.outbox.Events;
import org.stevedore.catalog.replica.NewReplica;
import org.stevedore.catalog.replica.ReplicaState;
import org.stevedore.catalog.replica.ReplicaStore;
import org.stevedore.catalog.replica.Tombstones;
import org.stevedore.catalog.rse.Lfn2Pfn;
import org.stevedore.catalog.rse.RseLimitStore;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.catalog.rse.RseUsageStore;
import org.stevedore.catalog.scope.ScopeStore;
import org.stevedore.catalog.testing.StoreTest;
import org.stevedore.transfer.storage.PosixStorage;
import org.stevedore.transfer.storage.StorageProtocols;
import org.stevedore.transfer.store.ReaperStore;

class ReaperTest extends StoreTest {

    @TempDir
    Path root;

    private final Clock clock = Clock.systemUTC();
    private RseStore rses;
    private Reaper reaper;

    @BeforeEach
    void grid() throws Exception {
        DidStore dids = new DidStore(store, clock);
        ReplicaStore replicas = new ReplicaStore(store, clock, dids,
                new AttachmentStore(store, clock, new UpdatedDidQueue(store)));
        new AccountStore(store, clock).add("jdoe", AccountType.USER, null);
        new ScopeStore(store, clock).add("s", "jdoe");
        rses = new RseStore(store, clock);
        rses.add("DISK");
        RseProtocolStore protocols = new RseProtocolStore(store);
        protocols.add("DISK", Map.of("scheme", "file", "prefix", root.toString(),
                "domains", Map.of("wan", Map.of("read", 1, "write", 1, "delete", 1))));
        // old (tombstone 100), newer (200), never tombstoned, locked, source of a queued transfer
        for (String name : List.of("old", "newer", "kept", "locked", "source")) {
            Path file = root.resolve(Lfn2Pfn.hash("s", name));
            Files.createDirectories(file.getParent());
            Files.writeString(file, "x".repeat(40));
            Instant tombstone = switch (name) {
                case "old" -> Instant.ofEpochMilli(100);
                case "newer" -> Instant.ofEpochMilli(200);
                case "kept" -> null;
                default -> Instant.ofEpochMilli(10);
            };
            replicas.add("DISK", List.of(new NewReplica("s", name, 40L, null, null, null, ReplicaState.AVAILABLE,
                    tombstone, null, null)), "jdoe", false, null);
        }
        store.run("MATCH (:Did {name: 'locked'})-[r:REPLICA]->() SET r.lock_cnt = 1", Map.of());
        store.run("CREATE (:Request {key: 's:source|elsewhere', did_key: 's:source', state: 'QUEUED'})", Map.of());
        // The storage's figures are what each test says (none unless it says): posixMeasured() runs the real probe.
        reaper = new Reaper(new ReaperStore(store, clock), protocols,
                new StorageProtocols(Map.of("file", new PosixStorage())), 100, protocol -> probe.measure(protocol));
        this.protocols = protocols;
    }

    private RseProtocolStore protocols;
    /** What the storage says of its space, per test. */
    private SpaceProbe probe = SpaceProbe.NONE;

    private boolean onDisk(String name) {
        return Files.exists(root.resolve(Lfn2Pfn.hash("s", name)));
    }

    private List<String> replicasLeft() {
        return store.read(tx -> tx.run("MATCH (f:Did)-[:REPLICA]->() RETURN f.name AS n ORDER BY n")
                .list(r -> r.get("n").asString()));
    }

    private void tombstone(String name, long millis) {
        store.run("MATCH (:Did {name: $n})-[r:REPLICA]->() SET r.tombstone = $t", Map.of("n", name, "t", millis));
    }

    private Long storageFree() {
        return store.read(tx -> tx.run("MATCH (:Rse {rse: 'DISK'})-[:HAS_USAGE]->(u:RseUsage {source: 'storage'}) "
                + "RETURN u.free AS free").list(r -> r.get("free").asLong()).stream().findFirst().orElse(null));
    }

    @Test
    void anObsoleteTombstoneGoesWhateverTheFreeSpaceButAnLruOneWaitsForANeed() {
        tombstone("newer", Tombstones.OBSOLETE);
        new RseLimitStore(store).set("DISK", "MinFreeSpace", 1_000);
        new RseUsageStore(store, clock).set("DISK", "storage", 10_000, 1_000_000L, 5L);

        assertThat(reaper.runOnce(Partition.whole()).items()).isEqualTo(1);

        assertThat(onDisk("newer")).isFalse();
        assertThat(onDisk("old")).as("LRU, and space is not needed").isTrue();
        assertThat(replicasLeft()).containsExactly("kept", "locked", "old", "source");
    }

    @Test
    void eachDeletionIsAnnouncedInTheKeysOfRuciosDeletionDone() throws Exception {
        tombstone("newer", Tombstones.OBSOLETE);

        assertThat(reaper.runOnce(Partition.whole()).items()).isEqualTo(1);

        List<Events.Event> events = new Events(store).since(ReaperStore.DELETIONS_DONE, 0, "", 10);
        assertThat(events).hasSize(1);
        JsonNode deletions = new ObjectMapper().readTree(events.get(0).payload()).get("deletions");
        assertThat(deletions).hasSize(1);
        JsonNode d = deletions.get(0);
        assertThat(d.get("scope").asText()).isEqualTo("s");
        assertThat(d.get("name").asText()).isEqualTo("newer");
        assertThat(d.get("rse").asText()).isEqualTo("DISK");
        assertThat(d.get("file-size").asLong()).isEqualTo(40);
        assertThat(d.get("bytes").asLong()).isEqualTo(40);
        assertThat(d.has("url") && d.has("protocol") && d.has("duration")).isTrue();
    }

    @Test
    void anObsoleteTombstoneOnALockedReplicaOrATransferSourceStillWaits() {
        tombstone("locked", Tombstones.OBSOLETE);
        tombstone("source", Tombstones.OBSOLETE);

        assertThat(reaper.runOnce(Partition.whole()).didWork()).isFalse();
        assertThat(onDisk("locked")).isTrue();
        assertThat(onDisk("source")).isTrue();
    }

    @Test
    void aReportedFigureMovesWithTheDeletionsSoItIsNotReadAgainAsIfNothingWasFreed() {
        // Seen: 51 MB deleted when 8 MB were needed, each cycle reading the same stale figure again.
        new RseLimitStore(store).set("DISK", "MinFreeSpace", 1_000);
        new RseUsageStore(store, clock).set("DISK", "storage", 10_000, 970L, 5L);

        assertThat(reaper.runOnce(Partition.whole()).items()).isEqualTo(1);
        assertThat(storageFree()).isEqualTo(1_010L);
        assertThat(reaper.runOnce(Partition.whole()).didWork()).isFalse();
        assertThat(onDisk("newer")).isTrue();
    }

    @Test
    void theLeastRecentlyAccessedGoesFirstAndNoMoreThanTheNeed() {
        // 'newer' was last read before 'old' got its tombstone: it goes first; 50 bytes need two 40-byte files.
        store.run("MATCH (:Did {name: 'newer'})-[r:REPLICA]->() SET r.accessed_at = 50", Map.of());
        new RseLimitStore(store).set("DISK", "MinFreeSpace", 1_000);
        new RseUsageStore(store, clock).set("DISK", "storage", 10_000, 970L, 5L);

        reaper.runOnce(Partition.whole());

        assertThat(onDisk("newer")).isFalse();
        assertThat(onDisk("old")).isTrue();
        new RseUsageStore(store, clock).set("DISK", "storage", 10_000, 950L, 4L);
        reaper.runOnce(Partition.whole());
        assertThat(onDisk("old")).isFalse();
        assertThat(replicasLeft()).containsExactly("kept", "locked", "source");
    }

    @Test
    void aPosixRseIsMeasuredEachCycleAndTheNeedComesFromTheFreshFigure() {
        // A file system of 300 bytes holding the five 40-byte files: 100 free; MinFreeSpace 150 needs 50 bytes.
        probe = protocol -> {
            long used = List.of("old", "newer", "kept", "locked", "source").stream().filter(this::onDisk).count() * 40;
            return new SpaceProbe.Measured(used, 300 - used);
        };
        new RseLimitStore(store).set("DISK", "MinFreeSpace", 150);

        assertThat(reaper.runOnce(Partition.whole()).items()).isEqualTo(2);
        assertThat(onDisk("old")).isFalse();
        assertThat(onDisk("newer")).isFalse();
        assertThat(storageFree()).isEqualTo(180L);
        assertThat(reaper.runOnce(Partition.whole()).didWork()).isFalse();
    }

    @Test
    void thePosixProbeRecordsTheFileSystemsFiguresForTheRse() {
        probe = SpaceProbe.POSIX;
        reaper.runOnce(Partition.whole());
        assertThat(storageFree()).isPositive();
        long total = store.read(tx -> tx.run("MATCH (:Rse {rse: 'DISK'})-[:HAS_USAGE]->(u:RseUsage {source: 'storage'}) "
                + "RETURN u.total").single().get(0).asLong());
        assertThat(total).isGreaterThanOrEqualTo(storageFree());
        assertThat(replicasLeft()).as("no limit: LRU tombstones wait").hasSize(5);
    }

    @Test
    void nothingIsDeletedWhileSpaceIsNotNeeded() {
        assertThat(reaper.runOnce(Partition.whole()).didWork()).isFalse();
        assertThat(replicasLeft()).containsExactly("kept", "locked", "newer", "old", "source");
    }

    @Test
    void onlyEnoughToRestoreMinFreeSpaceGoesOldestFirst() {
        new RseLimitStore(store).set("DISK", "MinFreeSpace", 1_000);
        new RseUsageStore(store, clock).set("DISK", "storage", 10_000, 970L, 5L);
        assertThat(reaper.runOnce(Partition.whole()).items()).isEqualTo(1);
        assertThat(onDisk("old")).isFalse();
        assertThat(onDisk("newer")).isTrue();
        assertThat(replicasLeft()).containsExactly("kept", "locked", "newer", "source");
    }

    @Test
    void aGreedyRseLosesEveryEligibleReplicaButNeverLockedOnesOrTransferSources() {
        rses.setAttribute("DISK", "greedyDeletion", true);
        assertThat(reaper.runOnce(Partition.whole()).items()).isEqualTo(2);
        assertThat(replicasLeft()).containsExactly("kept", "locked", "source");
        assertThat(onDisk("old")).isFalse();
        assertThat(onDisk("newer")).isFalse();
        assertThat(onDisk("locked")).isTrue();
        assertThat(onDisk("source")).isTrue();
    }

    @Test
    void aReplicaTheStorageCannotDeleteStaysForTheNextAttempt() throws Exception {
        rses.setAttribute("DISK", "greedyDeletion", true);
        Path old = root.resolve(Lfn2Pfn.hash("s", "old"));
        Files.delete(old);
        Files.createDirectories(old.resolve("not-a-file"));
        reaper.runOnce(Partition.whole());
        assertThat(replicasLeft()).contains("old").doesNotContain("newer");
        String state = store.read(tx -> tx.run("MATCH (:Did {name: 'old'})-[r:REPLICA]->() RETURN r.state")
                .single().get(0).asString());
        assertThat(state).isEqualTo("BEING_DELETED");
    }

    @Test
    void aFileAlreadyGoneFromStorageLosesItsRowToo() throws Exception {
        rses.setAttribute("DISK", "greedyDeletion", true);
        Files.delete(root.resolve(Lfn2Pfn.hash("s", "old")));
        reaper.runOnce(Partition.whole());
        assertThat(replicasLeft()).doesNotContain("old");
    }

    @Test
    void aPathThatAnotherReplicaClaimsIsNeverDeletedOnlyTheTombstonedRowGoes() {
        rses.setAttribute("DISK", "greedyDeletion", true);
        // Two replicas at one path exist only where the store's constraint does not hold (a store from before schema
        // step 12, a writer that went around it): what is tested is the reaper's own check, so the constraint goes
        // for the length of this test. 'old' (tombstone passed) claims the file of 'kept' (no tombstone).
        store.run("DROP CONSTRAINT replica_path IF EXISTS", Map.of());
        try {
            store.run("""
                    MATCH (:Did {name: 'kept'})-[k:REPLICA]->(), (:Did {name: 'old'})-[o:REPLICA]->()
                    SET o.path = k.path
                    """, Map.of());

            assertThat(reaper.runOnce(Partition.whole()).items()).isEqualTo(2);

            assertThat(onDisk("kept")).as("the file another replica claims").isTrue();
            assertThat(replicasLeft()).containsExactly("kept", "locked", "source");
            String state = store.read(tx -> tx.run("MATCH (:Did {name: 'kept'})-[r:REPLICA]->() RETURN r.state")
                    .single().get(0).asString());
            assertThat(state).isEqualTo("AVAILABLE");
            // A replica alone at its path is deleted as before.
            assertThat(onDisk("newer")).isFalse();
        } finally {
            store.run("CREATE CONSTRAINT replica_path IF NOT EXISTS FOR ()-[r:REPLICA]-() "
                    + "REQUIRE (r.rse_id, r.path) IS UNIQUE", Map.of());
        }
    }
}
