package org.stevedore.catalog.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.did.AttachmentStore;
import org.stevedore.catalog.did.DidStore;
import org.stevedore.catalog.did.UpdatedDidQueue;
import org.stevedore.catalog.error.Duplicate;
import org.stevedore.catalog.outbox.Events;
import org.stevedore.catalog.testing.Fixtures;
import org.stevedore.catalog.testing.StoreTest;

/**
 * Replicas registered directly as AVAILABLE reach the release gate like finished transfers do: one REPLICA_AVAILABLE
 * outbox event in the registration's transaction, and the in-process wake-up after its commit.
 */
class ReplicaEventsTest extends StoreTest {

    private final List<List<String>> heard = new ArrayList<>();
    private final List<List<String>> heardRses = new ArrayList<>();
    private ReplicaStore replicas;
    private Events events;

    @BeforeEach
    void setUp() {
        Clock clock = Clock.systemUTC();
        DidStore dids = new DidStore(store, clock);
        ReplicaAvailability availability = new ReplicaAvailability();
        availability.subscribe((files, rses) -> {
            heard.add(files);
            heardRses.add(rses);
        });
        replicas = new ReplicaStore(store, clock, dids, new AttachmentStore(store, clock, new UpdatedDidQueue(store)),
                availability);
        events = new Events(store);
        Fixtures.scope(store, "user.jdoe", "jdoe");
        Fixtures.rse(store, "DISK1", true);
    }

    private String rseId() {
        return store.read(tx -> tx.run("MATCH (r:Rse {rse: 'DISK1'}) RETURN r.id").single().get(0).asString());
    }

    @Test
    void availableReplicasWriteOneEventAndWakeTheListenersAfterTheCommit() {
        replicas.add("DISK1", List.of(NewReplica.of("user.jdoe", "f1", 10, "0000abcd"),
                NewReplica.of("user.jdoe", "f2", 10, "0000abce")), "jdoe", false, null);

        assertThat(events.since(Events.REPLICA_AVAILABLE, 0, "", 10)).singleElement().satisfies(e -> {
            assertThat(e.payload()).contains("\"user.jdoe:f1\"", "\"user.jdoe:f2\"", rseId());
        });
        assertThat(heard).containsExactly(List.of("user.jdoe:f1", "user.jdoe:f2"));
        assertThat(heardRses).containsExactly(List.of(rseId()));
    }

    @Test
    void replicasInAnotherStateWriteNoEventAndWakeNobody() {
        replicas.add("DISK1", List.of(new NewReplica("user.jdoe", "f1", 10L, "0000abcd", null, null,
                ReplicaState.COPYING, null, null, null)), "jdoe", false, null);

        assertThat(events.since(Events.REPLICA_AVAILABLE, 0, "", 10)).isEmpty();
        assertThat(heard).isEmpty();
    }

    @Test
    void aRefusedRegistrationWritesNoEventAndWakesNobody() {
        replicas.add("DISK1", List.of(NewReplica.of("user.jdoe", "f1", 10, "0000abcd")), "jdoe", false, null);
        heard.clear();

        assertThatThrownBy(() -> replicas.add("DISK1", List.of(NewReplica.of("user.jdoe", "f2", 10, "0000abcd"),
                NewReplica.of("user.jdoe", "f1", 10, "0000abcd")), "jdoe", false, null)).isInstanceOf(Duplicate.class);

        assertThat(events.since(Events.REPLICA_AVAILABLE, 0, "", 10)).hasSize(1);
        assertThat(heard).isEmpty();
    }
}
