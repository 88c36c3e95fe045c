package org.stevedore.catalog.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.did.AttachmentStore;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidStore;
import org.stevedore.catalog.did.DidType;
import org.stevedore.catalog.did.NewDid;
import org.stevedore.catalog.did.UpdatedDidQueue;
import org.stevedore.catalog.error.Duplicate;
import org.stevedore.catalog.error.FileConsistencyMismatch;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.error.RSENotFound;
import org.stevedore.catalog.error.ReplicaNotFound;
import org.stevedore.catalog.error.UnsupportedOperation;
import org.stevedore.catalog.testing.Fixtures;
import org.stevedore.catalog.testing.StoreTest;

class ReplicaStoreTest extends StoreTest {

    private DidStore dids;
    private AttachmentStore attachments;
    private ReplicaStore replicas;

    @BeforeEach
    void setUp() {
        Clock clock = Clock.systemUTC();
        dids = new DidStore(store, clock);
        attachments = new AttachmentStore(store, clock, new UpdatedDidQueue(store));
        replicas = new ReplicaStore(store, clock, dids, attachments);
        Fixtures.scope(store, "user.jdoe", "jdoe");
        Fixtures.rse(store, "DISK1", true);
        Fixtures.rse(store, "DISK2", true);
        Fixtures.rse(store, "NONDET", false);
    }

    private long count(String cypher) {
        return store.read(tx -> tx.run(cypher).single().get(0).asLong());
    }

    @Test
    void registeringReplicasRegistersNewFilesWithDeterministicPaths() {
        replicas.add("DISK1", List.of(NewReplica.of("user.jdoe", "f1", 100, "0000abcd")), "jdoe", false, null);
        Replica r = replicas.get(new DidRef("user.jdoe", "f1"), "DISK1");
        assertThat(r.state()).isEqualTo(ReplicaState.AVAILABLE);
        assertThat(r.bytes()).isEqualTo(100);
        // md5("user.jdoe:f1") = 3e4e... computed independently with md5sum
        assertThat(r.path()).matches("user/jdoe/[0-9a-f]{2}/[0-9a-f]{2}/f1");
        assertThat(dids.get("user.jdoe", "f1").account()).isEqualTo("jdoe");
    }

    @Test
    void aSecondReplicaMustAgreeWithTheFile() {
        replicas.add("DISK1", List.of(NewReplica.of("user.jdoe", "f1", 100, "0000abcd")), "jdoe", false, null);
        assertThatThrownBy(() -> replicas.add("DISK2", List.of(NewReplica.of("user.jdoe", "f1", 101, "0000abcd")),
                "jdoe", false, null)).isInstanceOf(FileConsistencyMismatch.class).hasMessageContaining("100 bytes");
        assertThatThrownBy(() -> replicas.add("DISK2", List.of(NewReplica.of("user.jdoe", "f1", 100, "0000abce")),
                "jdoe", false, null)).isInstanceOf(FileConsistencyMismatch.class).hasMessageContaining("Adler32");
        assertThatThrownBy(() -> replicas.add("DISK1", List.of(NewReplica.of("user.jdoe", "f1", 100, "0000abcd")),
                "jdoe", false, null)).isInstanceOf(Duplicate.class).hasMessageContaining("already exists");
        replicas.add("DISK2", List.of(NewReplica.of("user.jdoe", "f1", 100, "0000abcd")), "jdoe", false, null);
        assertThat(replicas.replicasOf(new DidRef("user.jdoe", "f1"))).extracting(Replica::rse)
                .containsExactly("DISK1", "DISK2");
    }

    @Test
    void bulkRegistrationIsAllOrNothing() {
        List<NewReplica> files = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            files.add(NewReplica.of("user.jdoe", "f" + i, i, "00000001"));
        }
        files.add(NewReplica.of("nosuchscope", "x", 1, "00000001"));
        assertThatThrownBy(() -> replicas.add("DISK1", files, "jdoe", false, null)).hasMessageContaining("nosuchscope");
        assertThat(count("MATCH (d:Did) RETURN count(d)")).isZero();
        assertThat(count("MATCH ()-[r:REPLICA]->() RETURN count(r)")).isZero();
    }

    @Test
    void unknownRseAndNonDeterministicWithoutPfnAreRefused() {
        assertThatThrownBy(() -> replicas.add("NOPE", List.of(NewReplica.of("user.jdoe", "f", 1, null)), "jdoe", false, null))
                .isInstanceOf(RSENotFound.class);
        assertThatThrownBy(() -> replicas.add("NONDET", List.of(NewReplica.of("user.jdoe", "f", 1, null)), "jdoe", false, null))
                .isInstanceOf(InvalidObject.class).hasMessageContaining("pfn is required");
        // A PFN must lie under a protocol of the RSE: on an RSE without one, none does (it used to be kept as given).
        assertThatThrownBy(() -> replicas.add("NONDET", List.of(new NewReplica("user.jdoe", "f", 1L, null, null,
                "davs://se.example.org:443/data/x/f", ReplicaState.AVAILABLE, null, null, null)), "jdoe", false, null))
                .isInstanceOf(InvalidObject.class).hasMessageContaining("davs://se.example.org:443/data/x/f");
        // Under a protocol prefix the path is kept relative to it, as Rucio keeps it.
        store.run("""
                MATCH (r:Rse {rse: 'NONDET'})
                CREATE (r)-[:HAS_PROTOCOL]->(:Protocol {key: r.id + '/davs', scheme: 'davs', hostname: 'se.example.org',
                                                        port: 443, prefix: '/data/'})
                """, Map.of());
        replicas.add("NONDET", List.of(new NewReplica("user.jdoe", "g", 1L, null, null,
                "davs://se.example.org:443/data/x/g", ReplicaState.AVAILABLE, null, null, null)), "jdoe", false, null);
        assertThat(replicas.get(new DidRef("user.jdoe", "g"), "NONDET").path()).isEqualTo("x/g");
    }

    @Test
    void aWriteBlockedRseRefusesUnlessAvailabilityIsIgnored() {
        store.run("MATCH (r:Rse {rse: 'DISK1'}) SET r.availability_write = false", Map.of());
        assertThatThrownBy(() -> replicas.add("DISK1", List.of(NewReplica.of("user.jdoe", "f", 1, null)), "jdoe", false, null))
                .isInstanceOf(UnsupportedOperation.class);
        replicas.add("DISK1", List.of(NewReplica.of("user.jdoe", "f", 1, null)), "jdoe", true, null);
    }

    @Test
    void registrationWithADatasetAttachesInTheSameTransaction() {
        dids.add(List.of(NewDid.collection("user.jdoe", "ds", DidType.DATASET, "jdoe")));
        replicas.add("DISK1", List.of(NewReplica.of("user.jdoe", "a", 1, null), NewReplica.of("user.jdoe", "b", 2, null)),
                "jdoe", false, new DidRef("user.jdoe", "ds"));
        assertThat(dids.get("user.jdoe", "ds").length()).isEqualTo(2);
        dids.setOpen("user.jdoe", "ds", false);
        assertThatThrownBy(() -> replicas.add("DISK1", List.of(NewReplica.of("user.jdoe", "c", 1, null)), "jdoe", false,
                new DidRef("user.jdoe", "ds"))).isInstanceOf(UnsupportedOperation.class);
        assertThat(dids.exists("user.jdoe", "c")).isFalse();
    }

    @Test
    void listingExpandsCollectionsAndFiltersStates() {
        dids.add(List.of(NewDid.collection("user.jdoe", "ds", DidType.DATASET, "jdoe")));
        replicas.add("DISK1", List.of(NewReplica.of("user.jdoe", "a", 1, null), NewReplica.of("user.jdoe", "b", 2, null)),
                "jdoe", false, new DidRef("user.jdoe", "ds"));
        replicas.add("DISK2", List.of(new NewReplica("user.jdoe", "a", 1L, null, null, null, ReplicaState.COPYING,
                null, null, null)), "jdoe", false, null);
        List<ReplicaStore.FileReplicas> listed = new ArrayList<>();
        replicas.list(List.of(new DidRef("user.jdoe", "ds"), new DidRef("user.jdoe", "a")), false, listed::add);
        assertThat(listed).extracting(ReplicaStore.FileReplicas::name).containsExactlyInAnyOrder("a", "b");
        assertThat(listed).allSatisfy(f -> assertThat(f.replicas()).extracting(ReplicaStore.At::rse).containsExactly("DISK1"));
        listed.clear();
        replicas.list(List.of(new DidRef("user.jdoe", "a")), true, listed::add);
        assertThat(listed.get(0).replicas()).extracting(ReplicaStore.At::rse).containsExactlyInAnyOrder("DISK1", "DISK2");
    }

    @Test
    void deletionIsAllOrNothingAndRefusesLockedReplicas() {
        replicas.add("DISK1", List.of(NewReplica.of("user.jdoe", "a", 1, null), NewReplica.of("user.jdoe", "b", 2, null)),
                "jdoe", false, null);
        assertThatThrownBy(() -> replicas.delete("DISK1", List.of(new DidRef("user.jdoe", "a"), new DidRef("user.jdoe", "zz"))))
                .isInstanceOf(ReplicaNotFound.class);
        store.run("MATCH (:Did {name: 'b'})-[r:REPLICA]->() SET r.lock_cnt = 1", Map.of());
        assertThatThrownBy(() -> replicas.delete("DISK1", List.of(new DidRef("user.jdoe", "b"))))
                .isInstanceOf(UnsupportedOperation.class).hasMessageContaining("locked");
        assertThat(count("MATCH ()-[r:REPLICA]->() RETURN count(r)")).isEqualTo(2);
        replicas.delete("DISK1", List.of(new DidRef("user.jdoe", "a")));
        // The row goes with the bytes, through the reaper: until then 'a' is BEING_DELETED with an OBSOLETE tombstone.
        assertThat(count("MATCH ()-[r:REPLICA]->() WHERE r.state <> 'BEING_DELETED' RETURN count(r)")).isEqualTo(1);
        assertThat(count("MATCH (:Did {name: 'a'})-[r:REPLICA {state: 'BEING_DELETED', tombstone: 0}]->() "
                + "RETURN count(r)")).isEqualTo(1);
        assertThatThrownBy(() -> replicas.delete("DISK1", List.of(new DidRef("user.jdoe", "a"))))
                .isInstanceOf(ReplicaNotFound.class);
    }
}
