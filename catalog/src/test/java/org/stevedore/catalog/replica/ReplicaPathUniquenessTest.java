package org.stevedore.catalog.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.exceptions.ClientException;
import org.stevedore.catalog.did.AttachmentStore;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidStore;
import org.stevedore.catalog.did.UpdatedDidQueue;
import org.stevedore.catalog.error.Duplicate;
import org.stevedore.catalog.rse.Lfn2Pfn;
import org.stevedore.catalog.store.Constraints;
import org.stevedore.catalog.testing.Fixtures;
import org.stevedore.catalog.testing.StoreTest;

/** One replica per physical path and RSE, whether the path was given as a PFN or derived by lfn2pfn. */
class ReplicaPathUniquenessTest extends StoreTest {

    private ReplicaStore replicas;

    @BeforeEach
    void setUp() {
        Clock clock = Clock.systemUTC();
        DidStore dids = new DidStore(store, clock);
        replicas = new ReplicaStore(store, clock, dids, new AttachmentStore(store, clock, new UpdatedDidQueue(store)));
        Fixtures.scope(store, "user.jdoe", "jdoe");
        Fixtures.scope(store, "user.eve", "eve");
        for (String rse : List.of("DISK1", "DISK2")) {
            Fixtures.rse(store, rse, true);
            store.run("""
                    MATCH (r:Rse {rse: $rse})
                    CREATE (r)-[:HAS_PROTOCOL]->(:Protocol {key: r.id + '/file', scheme: 'file', hostname: '', port: 0,
                                                            prefix: '/srv/' + toLower($rse)})
                    """, Map.of("rse", rse));
        }
    }

    private static NewReplica at(String scope, String name, String pfn) {
        return new NewReplica(scope, name, 1L, null, null, pfn, ReplicaState.AVAILABLE, null, null, null);
    }

    private long files(String scope) {
        return store.read(tx -> tx.run("MATCH (d:Did {scope: $s}) RETURN count(d)", Map.of("s", scope)).single()
                .get(0).asLong());
    }

    @Test
    void anExplicitPfnAtAnotherFilesDerivedPathCollides() {
        replicas.add("DISK1", List.of(NewReplica.of("user.jdoe", "thesis", 1, null)), "jdoe", false, null);
        String derived = Lfn2Pfn.hash("user.jdoe", "thesis");
        String pfn = "file:///srv/disk1/" + derived;

        assertThatThrownBy(() -> replicas.add("DISK1", List.of(at("user.eve", "mine", pfn)), "eve", false, null))
                .isInstanceOf(Duplicate.class).hasMessageContaining(pfn).hasMessageContaining(derived)
                .hasMessageContaining("user.jdoe:thesis");
        assertThat(files("user.eve")).isZero();
        // The other way round: a derived path that a PFN took first.
        replicas.add("DISK2", List.of(at("user.eve", "first", "file:///srv/disk2/" + derived)), "eve", false, null);
        assertThatThrownBy(() -> replicas.add("DISK2", List.of(NewReplica.of("user.jdoe", "thesis", 1, null)), "jdoe",
                false, null)).isInstanceOf(Duplicate.class).hasMessageContaining("user.eve:first");
        // The same path on another RSE is another file.
        replicas.add("DISK2", List.of(at("user.jdoe", "other", "file:///srv/disk2/user/jdoe/x")), "jdoe", false, null);
        replicas.add("DISK1", List.of(at("user.jdoe", "other2", "file:///srv/disk1/user/jdoe/x")), "jdoe", false, null);
    }

    @Test
    void twoFilesOfOneRequestAtOnePathWriteNothing() {
        assertThatThrownBy(() -> replicas.add("DISK1", List.of(at("user.jdoe", "a", "file:///srv/disk1/user/jdoe/f"),
                at("user.jdoe", "b", "file://localhost/srv/disk1/user/jdoe/f")), "jdoe", false, null))
                .isInstanceOf(Duplicate.class).hasMessageContaining("user/jdoe/f").hasMessageContaining("user.jdoe:a");
        assertThat(files("user.jdoe")).isZero();
    }

    @Test
    void theStoreItselfRefusesASecondReplicaAtAPath() {
        replicas.add("DISK1", List.of(at("user.jdoe", "a", "file:///srv/disk1/user/jdoe/f")), "jdoe", false, null);
        replicas.add("DISK1", List.of(at("user.jdoe", "b", "file:///srv/disk1/user/jdoe/g")), "jdoe", false, null);
        // A writer that skipped every check: the constraint still holds.
        assertThatThrownBy(() -> store.run("""
                MATCH (:Did {key: 'user.jdoe:b'})-[r:REPLICA]->() SET r.path = 'user/jdoe/f'
                """, Map.of())).isInstanceOfSatisfying(ClientException.class,
                e -> assertThat(Constraints.isUniquenessViolation(e)).isTrue());
        assertThat(replicas.get(new DidRef("user.jdoe", "b"), "DISK1").path()).isEqualTo("user/jdoe/g");
    }
}
