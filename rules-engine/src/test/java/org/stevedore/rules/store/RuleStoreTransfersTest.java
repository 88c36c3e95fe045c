package org.stevedore.rules.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.TransactionContext;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.did.AttachmentStore;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidStore;
import org.stevedore.catalog.did.DidType;
import org.stevedore.catalog.did.NewDid;
import org.stevedore.catalog.did.UpdatedDidQueue;
import org.stevedore.catalog.replica.NewReplica;
import org.stevedore.catalog.replica.ReplicaStore;
import org.stevedore.catalog.testing.Fixtures;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.testing.StoreTest;

/**
 * What the rules engine hands to its {@link TransferQueue}, seen through a recording implementation: the copies that
 * need a transfer, once per batch, and the replicas that lost their last lock, once per release. The transfer
 * agent's tests run the same paths against its real implementation.
 */
class RuleStoreTransfersTest extends StoreTest {

    /** Every call the rules engine made, in order. */
    private static final class Recording implements TransferQueue {
        final List<List<Transfer>> queued = new ArrayList<>();
        final List<Origin> origins = new ArrayList<>();
        final List<List<FileAtRse>> cancelled = new ArrayList<>();
        final List<List<String>> forgotten = new ArrayList<>();

        @Override
        public void queue(TransactionContext tx, Origin origin, List<Transfer> transfers, long now) {
            origins.add(origin);
            queued.add(List.copyOf(transfers));
        }

        @Override
        public void cancelPending(TransactionContext tx, List<FileAtRse> replicas) {
            cancelled.add(List.copyOf(replicas));
        }

        @Override
        public void forgetFiles(TransactionContext tx, List<String> fileKeys) {
            forgotten.add(List.copyOf(fileKeys));
        }

        @Override
        public List<FileAtRse> withoutLiveTransfer(TransactionContext tx, List<FileAtRse> copies) {
            return List.of();
        }
    }

    private final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
    private final Recording transfers = new Recording();
    private RuleStore rules;
    private String dst;

    @BeforeEach
    void grid() {
        rules = new RuleStore(store, clock, transfers);
        Fixtures.scope(store, "s", "jdoe");
        dst = Fixtures.rse(store, "DST", true);
        DidStore dids = new DidStore(store, clock);
        dids.add(List.of(NewDid.file("s", "f2", "jdoe", 20, "00000002"), NewDid.file("s", "f3", "jdoe", 30, "00000003")));
        new ReplicaStore(store, clock, dids, new AttachmentStore(store, clock, new UpdatedDidQueue(store)))
                .add("DST", List.of(NewReplica.of("s", "f1", 10, "00000001")), "jdoe", false, null);
    }

    private PlannedLock lock(String name, long bytes) {
        return new PlannedLock("s:" + name, "s", name, bytes, dst, "DST", null, true, null);
    }

    @Test
    void missingCopiesAreQueuedInOneCallAndReleasedReplicasCancelledInOne() {
        NewRule rule = new NewRule("rule-1", new DidRef("s", "f1"), DidType.FILE, "jdoe", 1, "DST", Grouping.NONE, null,
                false, "SRC", "Staging", Notify.N, false, false, null, 4, null, RuleState.REPLICATING, null);
        store.write(tx -> rules.insertIn(tx, rule, 60, List.of(lock("f1", 10), lock("f2", 20), lock("f3", 30))));

        // f1 is already on DST: only f2 and f3 need a transfer, handed over together.
        assertThat(transfers.queued).hasSize(1);
        assertThat(transfers.queued.get(0)).containsExactlyInAnyOrder(
                new TransferQueue.Transfer("s:f2", dst, 20, Partition.bucket("s:f2|" + dst), false),
                new TransferQueue.Transfer("s:f3", dst, 30, Partition.bucket("s:f3|" + dst), false));
        // What the rule asks of them travels once with the batch.
        assertThat(transfers.origins).containsExactly(new TransferQueue.Origin("Staging", 4L, "SRC"));

        new RuleChanges(rules, clock).delete("rule-1", false);

        // Each replica lost its only lock; the queue is told once, for all of them.
        assertThat(transfers.cancelled).hasSize(1);
        assertThat(transfers.cancelled.get(0)).containsExactlyInAnyOrder(new TransferQueue.FileAtRse("s:f1", dst),
                new TransferQueue.FileAtRse("s:f2", dst), new TransferQueue.FileAtRse("s:f3", dst));
        assertThat(transfers.forgotten).isEmpty();
    }

    @Test
    void aCopyingReplicaIsHandedOverTooForTheQueueToKeepOrReplaceItsTransfer() {
        // f2's replica on DST is COPYING from an earlier rule whose transfer may have ended since: only the
        // transfer agent can tell, so the new lock asks for it as for a missing one.
        NewRule first = new NewRule("rule-1", new DidRef("s", "f2"), DidType.FILE, "jdoe", 1, "DST", Grouping.NONE,
                null, false, null, null, Notify.N, false, false, null, 3, null, RuleState.REPLICATING, null);
        store.write(tx -> rules.insertIn(tx, first, 20, List.of(lock("f2", 20))));
        NewRule second = new NewRule("rule-2", new DidRef("s", "f2"), DidType.FILE, "root", 1, "DST", Grouping.NONE,
                null, false, null, null, Notify.N, false, false, null, 3, null, RuleState.REPLICATING, null);
        store.write(tx -> rules.insertIn(tx, second, 20, List.of(lock("f2", 20))));

        assertThat(transfers.queued).hasSize(2).allSatisfy(batch -> assertThat(batch).containsExactly(
                new TransferQueue.Transfer("s:f2", dst, 20, Partition.bucket("s:f2|" + dst), false)));
    }
}
