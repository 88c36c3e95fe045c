package org.stevedore.catalog.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.did.AttachmentStore;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidStore;
import org.stevedore.catalog.did.UpdatedDidQueue;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.error.RSENotFound;
import org.stevedore.catalog.error.ReplicaNotFound;
import org.stevedore.catalog.outbox.Events;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.catalog.testing.Fixtures;
import org.stevedore.catalog.testing.StoreTest;

class BadReplicaStoreTest extends StoreTest {

    private ReplicaStore replicas;
    private BadReplicaStore bad;

    @BeforeEach
    void setUp() {
        Clock clock = Clock.systemUTC();
        DidStore dids = new DidStore(store, clock);
        replicas = new ReplicaStore(store, clock, dids, new AttachmentStore(store, clock, new UpdatedDidQueue(store)));
        bad = new BadReplicaStore(store, clock, new BadReplicaStore.Settings(3, Duration.ofDays(1)));
        Fixtures.scope(store, "user.jdoe", "jdoe");
        Fixtures.rse(store, "DISK1", true);
        Fixtures.rse(store, "DISK2", true);
        RseProtocolStore protocols = new RseProtocolStore(store);
        protocols.add("DISK1", Map.of("scheme", "davs", "hostname", "se1.example.org", "port", 443, "prefix", "/data"));
        protocols.add("DISK2", Map.of("scheme", "davs", "hostname", "se2.example.org", "port", 443, "prefix", "/data"));
        replicas.add("DISK1", List.of(NewReplica.of("user.jdoe", "f1", 10, "00000001"),
                NewReplica.of("user.jdoe", "f2", 10, "00000001")), "root", false, null);
        replicas.add("DISK2", List.of(NewReplica.of("user.jdoe", "f1", 10, "00000001")), "root", false, null);
    }

    private String pfn(String host, String name) {
        Replica r = replicas.get(new DidRef("user.jdoe", name), host.equals("se1") ? "DISK1" : "DISK2");
        return "davs://" + host + ".example.org:443/data/" + r.path();
    }

    private ReplicaState state(String name, String rse) {
        return replicas.get(new DidRef("user.jdoe", name), rse).state();
    }

    private long count(String cypher) {
        return store.read(tx -> tx.run(cypher).single().get(0).asLong());
    }

    @Test
    void aBadPfnMarksItsReplicaBadAndRecordsTheDeclaration() {
        Map<String, List<String>> notDeclared = bad.declare(List.of(BadReplicaStore.Item.pfn(pfn("se1", "f1"))),
                BadState.BAD, "checksum mismatch", "root", null, false);
        assertThat(notDeclared).isEmpty();
        assertThat(state("f1", "DISK1")).isEqualTo(ReplicaState.BAD);
        assertThat(state("f1", "DISK2")).isEqualTo(ReplicaState.AVAILABLE);
        assertThat(bad.list(BadState.BAD, "DISK1", null, null, 10)).singleElement().satisfies(b -> {
            assertThat(b.name()).isEqualTo("f1");
            assertThat(b.reason()).isEqualTo("checksum mismatch");
            assertThat(b.account()).isEqualTo("root");
        });
        assertThat(new Events(store).since(BadReplicaStore.REPLICA_UNAVAILABLE, 0, "", 10)).hasSize(1);
    }

    @Test
    void anUnknownReplicaIsAnsweredBackAndTheOthersDeclared() {
        String unknown = "davs://se1.example.org:443/data/user/jdoe/00/00/nosuch";
        Map<String, List<String>> notDeclared = bad.declare(List.of(BadReplicaStore.Item.pfn(unknown),
                BadReplicaStore.Item.pfn(pfn("se1", "f2"))), BadState.BAD, "lost", "root", null, false);
        assertThat(notDeclared).containsEntry("DISK1", List.of(unknown + " Unknown replica"));
        assertThat(state("f2", "DISK1")).isEqualTo(ReplicaState.BAD);

        assertThat(bad.declare(List.of(BadReplicaStore.Item.of("user.jdoe", "f2", "DISK1")), BadState.BAD, "again",
                "root", null, false)).containsEntry("DISK1", List.of("user.jdoe:f2 Already declared"));
        assertThat(bad.declare(List.of(BadReplicaStore.Item.of("user.jdoe", "f2", "DISK1")), BadState.BAD, "again",
                "root", null, true)).isEmpty();
    }

    @Test
    void wrongInputRefusesTheWholeRequestAndWritesNothing() {
        String good = pfn("se1", "f1");
        assertThatThrownBy(() -> bad.declare(List.of(BadReplicaStore.Item.pfn(good),
                BadReplicaStore.Item.pfn("davs://elsewhere.example.org/data/x")), BadState.BAD, "r", "root", null, false))
                .isInstanceOf(ReplicaNotFound.class).hasMessageContaining("elsewhere.example.org");
        assertThatThrownBy(() -> bad.declare(List.of(BadReplicaStore.Item.pfn(good),
                BadReplicaStore.Item.pfn("davs://se1.example.org:443/data/../etc/passwd")), BadState.BAD, "r", "root",
                null, false)).isInstanceOf(InvalidObject.class).hasMessageContaining("dot segment");
        assertThatThrownBy(() -> bad.declare(List.of(BadReplicaStore.Item.pfn(good),
                BadReplicaStore.Item.of("user.jdoe", "f2", "DISK1")), BadState.BAD, "r", "root", null, false))
                .isInstanceOf(InvalidObject.class);
        assertThatThrownBy(() -> bad.declare(List.of(BadReplicaStore.Item.of("user.jdoe", "f2", "NOSUCH")),
                BadState.BAD, "r", "root", null, false)).isInstanceOf(RSENotFound.class);
        assertThat(state("f1", "DISK1")).isEqualTo(ReplicaState.AVAILABLE);
        assertThat(count("MATCH (b:BadReplica) RETURN count(b)")).isZero();
    }

    @Test
    void aReplicaDeclaredSuspiciousOftenEnoughBecomesBad() {
        BadReplicaStore.Item f1 = BadReplicaStore.Item.pfn(pfn("se1", "f1"));
        bad.declare(List.of(f1), BadState.SUSPICIOUS, "read error", "jdoe", null, false);
        bad.declare(List.of(f1), BadState.SUSPICIOUS, "read error", "jdoe", null, false);
        assertThat(state("f1", "DISK1")).isEqualTo(ReplicaState.AVAILABLE);
        assertThat(bad.suspicious(null, null, 2, 10)).singleElement()
                .satisfies(s -> assertThat(s.count()).isEqualTo(2));
        bad.declare(List.of(f1), BadState.SUSPICIOUS, "read error", "jdoe", null, false);
        assertThat(state("f1", "DISK1")).isEqualTo(ReplicaState.BAD);
        assertThat(bad.list(BadState.BAD, null, null, null, 10)).singleElement()
                .satisfies(b -> assertThat(b.reason()).isEqualTo("Declared suspicious 3 times"));
    }

    @Test
    void aTemporaryUnavailabilityNeedsAnEndAndTakesTheReplicaOutOfReach() {
        BadReplicaStore.Item f1 = BadReplicaStore.Item.of("user.jdoe", "f1", "DISK1");
        assertThatThrownBy(() -> bad.declare(List.of(f1), BadState.TEMPORARY_UNAVAILABLE, "downtime", "root", null,
                false)).isInstanceOf(InvalidObject.class).hasMessageContaining("expires_at");
        bad.declare(List.of(f1), BadState.TEMPORARY_UNAVAILABLE, "downtime", "root",
                Instant.now().plus(Duration.ofHours(1)), false);
        assertThat(state("f1", "DISK1")).isEqualTo(ReplicaState.TEMPORARY_UNAVAILABLE);
        assertThat(bad.summary(null, null, null)).singleElement()
                .satisfies(s -> assertThat(s.counts()).containsEntry(BadState.TEMPORARY_UNAVAILABLE, 1L));
    }
}
