package org.stevedore.rules.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Session;
import org.neo4j.driver.TransactionContext;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidType;
import org.stevedore.catalog.did.NewDid;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.testing.StoreTest;
import org.stevedore.rules.expression.RseExpressionResolver;
import org.stevedore.rules.store.Rule;
import org.stevedore.rules.store.RuleInputs;
import org.stevedore.rules.store.RuleQueries;
import org.stevedore.rules.store.RuleState;
import org.stevedore.rules.store.RuleStore;
import org.stevedore.rules.store.TransferQueue;
import org.stevedore.transfer.store.RequestQueue;

/**
 * The injector's slices: a rule above the injection threshold is planned and written slice by slice while its files
 * stream, so the heap holds one slice of a rule of any size, and the placement (groups, quotas, one lock per file
 * and group) is what planning the rule whole gave.
 */
class RuleInjectionTest extends StoreTest {

    private final MutableClock clock = MutableClock.at("2026-12-07T20:00:00Z");
    private RuleFixture f;

    @BeforeEach
    void grid() {
        f = new RuleFixture(store, clock, 4);
        f.rse("SRC", Map.of("type", "DISK"));
        f.rse("DST_A", Map.of("type", "DISK", "tier", "1"));
        f.rse("DST_B", Map.of("type", "DISK", "tier", "1"));
    }

    private static DidRef did(String name) {
        return new DidRef("s", name);
    }

    private Rule add(RuleRequest request) {
        Rule rule = f.queries.get(f.service.add(request, "jdoe").get(0));
        assertThat(rule.state()).isEqualTo(RuleState.INJECT);
        return rule;
    }

    private List<RuleQueries.Lock> locks(String ruleId) {
        List<RuleQueries.Lock> out = new ArrayList<>();
        f.queries.locksOfRule(ruleId, out::add);
        return out;
    }

    @Test
    void theFirstSliceIsWrittenWhileTheFilesStillStream() {
        // More files than the store's driver fetches at once (2,000), in slices of 100: when the first slice is
        // written, the query reading the rule's files is still running (its rows not all read, let alone held).
        RuleFixture f = new RuleFixture(store, clock, 100);
        f.dataset("big", 2_500, 1, "SRC");
        Rule rule = f.queries.get(f.service.add(RuleRequest.of(List.of(did("big")), 1, "DST_A"), "jdoe").get(0));
        assertThat(rule.state()).isEqualTo(RuleState.INJECT);
        List<Long> readsOpenAtEachSlice = new ArrayList<>();
        RequestQueue requests = new RequestQueue();
        TransferQueue watching = new TransferQueue() {
            @Override
            public void queue(TransactionContext tx, Origin origin, List<Transfer> transfers, long now) {
                if (readsOpenAtEachSlice.isEmpty()) {
                    readsOpenAtEachSlice.add(openReadsOfFiles());
                }
                requests.queue(tx, origin, transfers, now);
            }

            @Override
            public void cancelPending(TransactionContext tx, List<FileAtRse> replicas) {
                requests.cancelPending(tx, replicas);
            }

            @Override
            public void forgetFiles(TransactionContext tx, List<String> fileKeys) {
                requests.forgetFiles(tx, fileKeys);
            }

            @Override
            public List<FileAtRse> withoutLiveTransfer(TransactionContext tx, List<FileAtRse> copies) {
                return requests.withoutLiveTransfer(tx, copies);
            }
        };
        RuleService service = new RuleService(f.dids, new RuleStore(store, clock, watching), new RuleInputs(store),
                f.rses, f.accounts, f.limits, new RseExpressionResolver(f.rses)::resolve, clock, f.service.settings(),
                RandomGenerator.of("L64X128MixRandom"));
        Rule applied = service.applyPending(rule.id());
        assertThat(applied.state()).isEqualTo(RuleState.REPLICATING);
        assertThat(applied.locksReplicating()).isEqualTo(2_500);
        assertThat(readsOpenAtEachSlice).containsExactly(1L);
    }

    /** Transactions of this store running the query that reads a rule's files with their replicas. */
    private long openReadsOfFiles() {
        try (Session session = store.driver().session()) {
            return session.run("""
                    SHOW TRANSACTIONS YIELD currentQuery
                    WHERE currentQuery CONTAINS 'collect([rse.id, r.state])' AND NOT currentQuery STARTS WITH 'SHOW'
                    RETURN count(*) AS n
                    """).single().get("n").asLong();
        }
    }

    @Test
    void aContainerRuleKeepsEachDatasetTogetherAcrossSlices() {
        f.dataset("d1", 9, 1, "SRC");
        f.dataset("d2", 9, 1, "SRC");
        f.dids.add(List.of(NewDid.collection("s", "c", DidType.CONTAINER, "jdoe")));
        f.attachments.attach(did("c"), List.of(did("d1"), did("d2")), false);
        for (int i = 0; i < 4; i++) {
            Rule rule = add(RuleRequest.of(List.of(did("c")), 1, "tier=1").withGrouping("DATASET"));
            Rule applied = f.service.applyPending(rule.id());
            assertThat(applied.locksReplicating()).isEqualTo(18);
            List<RuleQueries.Lock> locks = locks(rule.id());
            assertThat(locks).hasSize(18);
            assertThat(locks.stream().filter(l -> l.name().startsWith("d1.")).map(RuleQueries.Lock::rse).distinct())
                    .hasSize(1);
            assertThat(locks.stream().filter(l -> l.name().startsWith("d2.")).map(RuleQueries.Lock::rse).distinct())
                    .hasSize(1);
            f.service.delete(rule.id(), null);
        }
    }

    @Test
    void aFileInTwoDatasetsIsLockedOnceUnderAllAndNoneGrouping() {
        f.dataset("d1", 5, 1, "SRC");
        f.dataset("d2", 5, 1, "SRC");
        f.attachments.attach(did("d2"), List.of(did("d1.f0"), did("d1.f1")), false);
        f.dids.add(List.of(NewDid.collection("s", "c", DidType.CONTAINER, "jdoe")));
        f.attachments.attach(did("c"), List.of(did("d1"), did("d2")), false);
        Rule all = add(RuleRequest.of(List.of(did("c")), 1, "tier=1").withGrouping("ALL"));
        f.service.applyPending(all.id());
        assertThat(locks(all.id())).hasSize(10);
        assertThat(locks(all.id()).stream().map(RuleQueries.Lock::rse).distinct()).hasSize(1);
        Rule none = add(RuleRequest.of(List.of(did("c")), 2, "tier=1").withGrouping("NONE"));
        Rule applied = f.service.applyPending(none.id());
        assertThat(locks(none.id())).hasSize(20);
        assertThat(applied.locksReplicating() + applied.locksOk()).isEqualTo(20);
    }

    @Test
    void theAccountsQuotaCountsEveryEarlierSlice() {
        // DST_A holds one dataset's bytes: whichever dataset is placed first, the second cannot go there too.
        f.limits.set("jdoe", "DST_A", 9);
        f.dataset("d1", 9, 1, "SRC");
        f.dataset("d2", 9, 1, "SRC");
        f.dids.add(List.of(NewDid.collection("s", "c", DidType.CONTAINER, "jdoe")));
        f.attachments.attach(did("c"), List.of(did("d1"), did("d2")), false);
        for (int i = 0; i < 4; i++) {
            Rule rule = add(RuleRequest.of(List.of(did("c")), 1, "tier=1").withGrouping("DATASET"));
            f.service.applyPending(rule.id());
            assertThat(locks(rule.id()).stream().filter(l -> l.rse().equals("DST_A")).count()).isLessThanOrEqualTo(9);
            f.service.delete(rule.id(), null);
        }
    }
}
