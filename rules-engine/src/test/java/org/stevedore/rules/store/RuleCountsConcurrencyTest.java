package org.stevedore.rules.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.TransactionContext;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidStore;
import org.stevedore.catalog.did.DidType;
import org.stevedore.catalog.did.NewDid;
import org.stevedore.catalog.testing.Fixtures;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.testing.StoreTest;

/**
 * Several instances finish transfers of one rule at once (each poller its partition of the jobs): every change to
 * the rule's lock counters must count. Seen with two instances before the fix: the counters lost updates (each
 * transaction read them, then wrote absolute values), so a rule whose every lock was OK stayed REPLICATING.
 */
class RuleCountsConcurrencyTest extends StoreTest {

    /** No transfers are queued: the rule has no lock that needs a copy. */
    private static final class NoTransfers implements TransferQueue {
        @Override
        public void queue(TransactionContext tx, Origin origin, List<Transfer> transfers, long now) {
        }

        @Override
        public void cancelPending(TransactionContext tx, List<FileAtRse> replicas) {
        }

        @Override
        public void forgetFiles(TransactionContext tx, List<String> fileKeys) {
        }

        @Override
        public List<FileAtRse> withoutLiveTransfer(TransactionContext tx, List<FileAtRse> copies) {
            return List.of();
        }
    }

    private final MutableClock clock = MutableClock.at("2026-12-07T10:00:00Z");

    @Test
    void concurrentCounterChangesOfOneRuleAreNotLost() throws Exception {
        RuleStore rules = new RuleStore(store, clock, new NoTransfers());
        Fixtures.scope(store, "s", "jdoe");
        Fixtures.rse(store, "DST", true);
        new DidStore(store, clock).add(List.of(NewDid.file("s", "f1", "jdoe", 10, "00000001")));
        int changes = 200;
        NewRule rule = new NewRule("rule-c", new DidRef("s", "f1"), DidType.FILE, "jdoe", 1, "DST", Grouping.NONE,
                null, false, null, "Staging", Notify.N, false, false, null, 3, null, RuleState.REPLICATING, null);
        store.write(tx -> rules.insertIn(tx, rule, 60, List.of()));
        store.write(tx -> rules.addCounts(tx, "rule-c", new RuleStore.Counts(0, changes, 0), clock.millis()));

        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < changes; i++) {
                done.add(pool.submit(() -> store.write(tx -> rules.addCounts(tx, "rule-c",
                        new RuleStore.Counts(1, -1, 0), clock.millis()))));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        Rule after = new RuleQueries(store).get("rule-c");
        assertThat(after.locksOk()).isEqualTo(changes);
        assertThat(after.locksReplicating()).isZero();
        assertThat(after.state()).isEqualTo(RuleState.OK);
    }
}
