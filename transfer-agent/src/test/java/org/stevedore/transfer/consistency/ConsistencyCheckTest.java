package org.stevedore.transfer.consistency;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stevedore.catalog.account.AccountStore;
import org.stevedore.catalog.account.AccountType;
import org.stevedore.catalog.did.AttachmentStore;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidStore;
import org.stevedore.catalog.did.UpdatedDidQueue;
import org.stevedore.catalog.replica.BadReplicaStore;
import org.stevedore.catalog.replica.BadState;
import org.stevedore.catalog.replica.NewReplica;
import org.stevedore.catalog.replica.ReplicaState;
import org.stevedore.catalog.replica.ReplicaStore;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.catalog.scope.ScopeStore;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.testing.StoreTest;
import org.stevedore.transfer.storage.PosixStorage;
import org.stevedore.transfer.storage.StorageProtocols;

/**
 * The consistency check of a posix RSE, by walk and by dump: missing replicas declared bad, dark files reported and
 * deleted once dark for the grace period, only under the RSE's prefix; replicas newer than the listing left alone.
 */
class ConsistencyCheckTest extends StoreTest {

    private final MutableClock clock = MutableClock.at("2026-12-07T10:00:00Z");
    @TempDir
    Path tmp;
    private Path root;
    private ReplicaStore replicas;
    private BadReplicaStore declarations;
    private ConsistencyCheck check;

    @BeforeEach
    void posixRse() throws IOException {
        root = Files.createDirectories(tmp.resolve("rse"));
        new AccountStore(store, clock).add("jdoe", AccountType.USER, null);
        new ScopeStore(store, clock).add("s", "jdoe");
        new RseStore(store, clock).add("POSIX");
        RseProtocolStore protocols = new RseProtocolStore(store);
        protocols.add("POSIX", Map.of("scheme", "file", "prefix", root.toString(),
                "domains", Map.of("wan", Map.of("read", 1, "write", 1, "delete", 1))));
        DidStore dids = new DidStore(store, clock);
        replicas = new ReplicaStore(store, clock, dids, new AttachmentStore(store, clock, new UpdatedDidQueue(store)));
        replicas.add("POSIX", List.of(NewReplica.of("s", "f1", 1, "00000001"), NewReplica.of("s", "f2", 1, "00000001"),
                NewReplica.of("s", "f3", 1, "00000001")), "root", false, null);
        for (String name : List.of("f1", "f2")) {
            write(replicas.get(new DidRef("s", name), "POSIX").path());
        }
        write("dark/orphan");
        write("s.x");
        declarations = new BadReplicaStore(store, clock, BadReplicaStore.Settings.defaults());
        check = new ConsistencyCheck(new ConsistencyStore(store), declarations, protocols,
                new StorageProtocols(Map.of("file", new PosixStorage())), clock,
                new ConsistencyCheck.Settings(Duration.ofDays(7), true, 100, 2));
        clock.advance(Duration.ofMinutes(1));
    }

    private void write(String path) throws IOException {
        Path p = root.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, "x");
    }

    @Test
    void missingReplicasAreDeclaredBadAndDarkFilesGoAfterTheirGrace() throws IOException {
        // Registered after the listing: not on storage yet, and not missing.
        ConsistencyStore.Run first = check.run("POSIX", new PosixListing(root, clock.instant()));
        clock.advance(Duration.ofSeconds(1));
        replicas.add("POSIX", List.of(NewReplica.of("s", "f4", 1, "00000001")), "root", false, null);

        assertThat(first.state()).isEqualTo("DONE");
        assertThat(first.storageFiles()).isEqualTo(4);
        assertThat(first.catalogFiles()).isEqualTo(3);
        assertThat(first.missing()).isEqualTo(1);
        assertThat(first.dark()).isEqualTo(2);
        assertThat(first.darkDeleted()).isZero();
        assertThat(replicas.get(new DidRef("s", "f3"), "POSIX").state()).isEqualTo(ReplicaState.BAD);
        assertThat(declarations.list(BadState.BAD, "POSIX", null, null, 10)).singleElement()
                .satisfies(b -> assertThat(b.reason()).isEqualTo(ConsistencyCheck.REASON));
        ConsistencyStore cs = new ConsistencyStore(store);
        assertThat(cs.findings(first.id(), "DARK", 0, 10)).containsExactly("dark/orphan", "s.x");
        assertThat(cs.findings(first.id(), "MISSING", 0, 10)).singleElement().satisfies(p -> assertThat(p).endsWith("/f3"));

        Files.delete(root.resolve("s.x")); // gone before the grace ended: forgotten
        clock.advance(Duration.ofDays(8));
        ConsistencyStore.Run second = check.run("POSIX", new PosixListing(root, clock.instant()));

        assertThat(second.missing()).as("f3 is BAD now, f4 is missing since").isEqualTo(1);
        assertThat(second.dark()).isEqualTo(1);
        assertThat(second.darkDeleted()).isEqualTo(1);
        assertThat(root.resolve("dark/orphan")).doesNotExist();
        assertThat(root.resolve(replicas.get(new DidRef("s", "f1"), "POSIX").path())).exists();
        assertThat(cs.runs(cs.rseId("POSIX"), 10)).hasSize(2);
    }

    @Test
    void aDumpInRucioFormatIsSortedOnDiskAndItsUnsafeLinesRefused() throws IOException {
        String f1 = replicas.get(new DidRef("s", "f1"), "POSIX").path();
        String f2 = replicas.get(new DidRef("s", "f2"), "POSIX").path();
        Path dump = tmp.resolve("POSIX.dump");
        Files.write(dump, List.of("s.x", "/" + f2, "", "../../etc/passwd", f1, "dark/orphan", f1));
        Files.setLastModifiedTime(dump, java.nio.file.attribute.FileTime.from(clock.instant()));

        ConsistencyStore.Run run = check.run("POSIX", new DumpListing(dump, tmp, 2));

        assertThat(run.source()).isEqualTo("dump");
        assertThat(run.refused()).isEqualTo(1);
        assertThat(run.storageFiles()).isEqualTo(4);
        assertThat(run.missing()).isEqualTo(1);
        assertThat(run.dark()).isEqualTo(2);
        try (var files = Files.list(tmp)) {
            assertThat(files.filter(p -> p.getFileName().toString().startsWith("consistency-run-"))).isEmpty();
        }
    }

    @Test
    void theAuditorChecksEachRseOncePerPeriodFromItsPosixProtocol() throws Exception {
        try (ListingSources sources = new ListingSources(new RseProtocolStore(store), null, tmp, clock,
                org.stevedore.transfer.storage.WebDavSettings.defaults())) {
            ConsistencyChecker auditor = new ConsistencyChecker(new RseStore(store, clock), new ConsistencyStore(store),
                    check, sources, clock, Duration.ofHours(24));
            assertThat(auditor.runOnce(org.stevedore.catalog.daemon.Partition.whole()).items()).isEqualTo(1);
            assertThat(auditor.runOnce(org.stevedore.catalog.daemon.Partition.whole()).didWork()).isFalse();
            clock.advance(Duration.ofHours(25));
            assertThat(auditor.runOnce(org.stevedore.catalog.daemon.Partition.whole()).items()).isEqualTo(1);
            ConsistencyStore cs = new ConsistencyStore(store);
            assertThat(cs.runs(cs.rseId("POSIX"), 10)).extracting(ConsistencyStore.Run::source)
                    .containsExactly("posix", "posix");
        }
    }

    @Test
    void theCatalogIsReadInPathOrderFromTheIndexWithoutSorting() {
        String plan = store.read(tx -> tx.run("EXPLAIN " + ConsistencyStore.PAGE,
                Map.of("rse", "x", "after", "", "limit", 10)).consume().plan().toString());
        assertThat(plan).contains("REPLICA(rse_id, path)").doesNotContain("Top@").doesNotContain("Sort@");
    }

    @Test
    void theWalkListsInTheCatalogsPathOrder() throws IOException {
        write("a/b");
        write("a.b");
        write("a-c/d");
        try (StorageListing.Paths paths = new PosixListing(root, clock.instant()).open()) {
            List<String> listed = new java.util.ArrayList<>();
            paths.forEachRemaining(listed::add);
            assertThat(listed).isSorted().contains("a.b", "a/b", "a-c/d");
        }
    }
}
