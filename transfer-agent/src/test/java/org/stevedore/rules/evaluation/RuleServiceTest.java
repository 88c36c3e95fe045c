package org.stevedore.rules.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.TransactionContext;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidType;
import org.stevedore.catalog.did.NewDid;
import org.stevedore.catalog.error.StevedoreException;
import org.stevedore.catalog.error.UnsupportedOperation;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.testing.StoreTest;
import org.stevedore.rules.error.DuplicateRule;
import org.stevedore.rules.error.InsufficientAccountLimit;
import org.stevedore.rules.error.InsufficientTargetRSEs;
import org.stevedore.rules.error.InvalidRSEExpression;
import org.stevedore.rules.error.InvalidRuleWeight;
import org.stevedore.rules.expression.RseExpressionResolver;
import org.stevedore.rules.store.LockState;
import org.stevedore.rules.store.Rule;
import org.stevedore.rules.store.RuleInputs;
import org.stevedore.rules.store.RuleQueries;
import org.stevedore.rules.store.RuleState;
import org.stevedore.rules.store.RuleStore;
import org.stevedore.rules.store.TransferQueue;
import org.stevedore.transfer.store.RequestQueue;

class RuleServiceTest extends StoreTest {

    private final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
    private RuleFixture f;

    @BeforeEach
    void grid() {
        f = new RuleFixture(store, clock, 10_000);
        f.rse("SRC", Map.of("type", "DISK"));
        f.rse("DST_A", Map.of("type", "DISK", "tier", "1"));
        f.rse("DST_B", Map.of("type", "DISK", "tier", "1"));
    }

    private static DidRef did(String name) {
        return new DidRef("s", name);
    }

    private Rule add(RuleRequest request) {
        return f.queries.get(f.service.add(request, "jdoe").get(0));
    }

    private List<RuleQueries.Lock> locks(String ruleId) {
        List<RuleQueries.Lock> out = new ArrayList<>();
        f.queries.locksOfRule(ruleId, out::add);
        return out;
    }

    @Test
    void missingReplicasGetCopyingReplicasAndQueuedRequests() {
        f.dataset("ds", 3, 100, "SRC");
        Rule rule = add(RuleRequest.of(List.of(did("ds")), 1, "DST_A"));
        assertThat(rule.state()).isEqualTo(RuleState.REPLICATING);
        assertThat(rule.locksReplicating()).isEqualTo(3);
        assertThat(rule.locksOk()).isZero();
        assertThat(rule.bytes()).isEqualTo(300);
        assertThat(locks(rule.id())).hasSize(3).allSatisfy(l -> {
            assertThat(l.rse()).isEqualTo("DST_A");
            assertThat(l.state()).isEqualTo(LockState.REPLICATING);
        });
        assertThat(f.count("MATCH ()-[r:REPLICA {state: 'COPYING', lock_cnt: 1}]->(:Rse {rse: 'DST_A'}) RETURN count(r)"))
                .isEqualTo(3);
        assertThat(f.count("MATCH (d:Rse {rse: 'DST_A'}) "
                + "MATCH (q:Request {state: 'QUEUED', dest_rse_id: d.id}) RETURN count(q)")).isEqualTo(3);
        assertThat(f.limits.usage("jdoe")).singleElement().satisfies(u -> {
            assertThat(u.rse()).isEqualTo("DST_A");
            assertThat(u.bytes()).isEqualTo(300);
            assertThat(u.files()).isEqualTo(3);
        });
    }

    @Test
    void existingReplicasAreLockedAndTheRuleIsOkAtOnce() {
        f.dataset("ds", 2, 10, "DST_A");
        Rule rule = add(RuleRequest.of(List.of(did("ds")), 1, "DST_A"));
        assertThat(rule.state()).isEqualTo(RuleState.OK);
        assertThat(rule.locksOk()).isEqualTo(2);
        assertThat(f.count("MATCH ()-[r:REPLICA {lock_cnt: 1}]->() RETURN count(r)")).isEqualTo(2);
        assertThat(f.count("MATCH (q:Request) RETURN count(q)")).isZero();
    }

    @Test
    void filesWithoutAnySourceAreStuckWithTheReason() {
        f.dataset("ds", 2, 10, null);
        Rule rule = add(RuleRequest.of(List.of(did("ds")), 1, "DST_A"));
        assertThat(rule.state()).isEqualTo(RuleState.STUCK);
        assertThat(rule.locksStuck()).isEqualTo(2);
        assertThat(rule.stuckAt()).isEqualTo(clock.instant());
        assertThat(locks(rule.id())).allSatisfy(l -> assertThat(l.error()).contains("No replica of 's:ds.f"));
        assertThat(f.count("MATCH ()-[r:REPLICA]->() RETURN count(r)")).isZero();
    }

    @Test
    void groupingAllPutsEverythingTogetherAndDatasetKeepsEachDatasetTogether() {
        f.dataset("d1", 5, 1, "SRC");
        f.dataset("d2", 5, 1, "SRC");
        f.dids.add(List.of(NewDid.collection("s", "c", DidType.CONTAINER, "jdoe")));
        f.attachments.attach(did("c"), List.of(did("d1"), did("d2")), false);
        for (int i = 0; i < 5; i++) {
            Rule all = add(RuleRequest.of(List.of(did("c")), 1, "tier=1").withGrouping("ALL"));
            assertThat(locks(all.id()).stream().map(RuleQueries.Lock::rse).distinct()).hasSize(1);
            f.service.delete(all.id(), null);
        }
        Rule byDataset = add(RuleRequest.of(List.of(did("c")), 1, "tier=1").withGrouping("DATASET"));
        assertThat(locks(byDataset.id())).hasSize(10);
        assertThat(locks(byDataset.id()).stream().filter(l -> l.name().startsWith("d1.")).map(RuleQueries.Lock::rse)
                .distinct()).hasSize(1);
        assertThat(locks(byDataset.id()).stream().filter(l -> l.name().startsWith("d2.")).map(RuleQueries.Lock::rse)
                .distinct()).hasSize(1);
    }

    @Test
    void twoCopiesGoToTwoDifferentRses() {
        f.dataset("ds", 4, 1, "SRC");
        Rule rule = add(RuleRequest.of(List.of(did("ds")), 2, "tier=1").withGrouping("NONE"));
        assertThat(locks(rule.id())).hasSize(8);
        assertThat(locks(rule.id()).stream().filter(l -> l.name().equals("ds.f0")).map(RuleQueries.Lock::rse))
                .containsExactlyInAnyOrder("DST_A", "DST_B");
        assertThatThrownBy(() -> add(RuleRequest.of(List.of(did("ds")), 3, "tier=1")))
                .isInstanceOf(InsufficientTargetRSEs.class).hasMessageContaining("3 copies");
    }

    @Test
    void rsesAlreadyHoldingTheDataArePreferred() {
        f.dataset("ds", 3, 10, "DST_B");
        for (int i = 0; i < 5; i++) {
            Rule rule = add(RuleRequest.of(List.of(did("ds")), 1, "tier=1"));
            assertThat(rule.state()).isEqualTo(RuleState.OK);
            assertThat(locks(rule.id())).allSatisfy(l -> assertThat(l.rse()).isEqualTo("DST_B"));
            f.service.delete(rule.id(), null);
        }
    }

    @Test
    void weightsSteerAndAWeightNobodyCarriesIsRefused() {
        f.rses.setAttribute("DST_A", "w", 0L);
        f.rses.setAttribute("DST_B", "w", "5");
        f.dataset("ds", 2, 1, "SRC");
        for (int i = 0; i < 5; i++) {
            Rule rule = add(RuleRequest.of(List.of(did("ds")), 1, "tier=1").withWeight("w"));
            assertThat(locks(rule.id())).allSatisfy(l -> assertThat(l.rse()).isEqualTo("DST_B"));
            f.service.delete(rule.id(), null);
        }
        assertThatThrownBy(() -> add(RuleRequest.of(List.of(did("ds")), 1, "tier=1").withWeight("nosuch")))
                .isInstanceOf(InvalidRuleWeight.class).hasMessageContaining("nosuch");
    }

    @Test
    void quotasAreHonoured() {
        f.dataset("ds", 2, 100, "SRC");
        f.limits.set("jdoe", "DST_A", 150);
        Rule rule = add(RuleRequest.of(List.of(did("ds")), 1, "tier=1"));
        assertThat(locks(rule.id())).allSatisfy(l -> assertThat(l.rse()).isEqualTo("DST_B"));
        f.limits.set("jdoe", "DST_B", 250);
        long before = f.count("MATCH (n) RETURN count(n)");
        assertThatThrownBy(() -> add(RuleRequest.of(List.of(did("ds")), 1, "tier=1").withGrouping("ALL")))
                .isInstanceOf(InsufficientAccountLimit.class).hasMessageContaining("quota");
        assertThat(f.count("MATCH (n) RETURN count(n)")).isEqualTo(before);
    }

    @Test
    void unavailableRsesAreSkippedUnlessAvailabilityIsIgnored() {
        f.rses.update("DST_A", Map.of("availability_write", false));
        f.dataset("ds", 1, 1, "SRC");
        Rule rule = add(RuleRequest.of(List.of(did("ds")), 1, "tier=1"));
        assertThat(locks(rule.id())).allSatisfy(l -> assertThat(l.rse()).isEqualTo("DST_B"));
        f.rses.update("DST_B", Map.of("availability_write", false));
        assertThatThrownBy(() -> add(RuleRequest.of(List.of(did("ds")), 1, "DST_A")))
                .isInstanceOf(InsufficientTargetRSEs.class);
        RuleRequest ignoring = new RuleRequest(List.of(did("ds")), null, 1, "DST_A", null, null, null, null, null, null,
                null, null, true, null, null, null, null, null);
        assertThat(add(ignoring).locksReplicating()).isEqualTo(1);
    }

    @Test
    void duplicatesAndBadRequestsChangeNothing() {
        f.dataset("ds", 2, 1, "SRC");
        f.dataset("ds2", 1, 1, "SRC");
        add(RuleRequest.of(List.of(did("ds")), 1, "DST_A"));
        String graph = "MATCH (n) RETURN count(n) + COUNT { ()-->() }";
        long before = f.count(graph);
        assertThatThrownBy(() -> add(RuleRequest.of(List.of(did("ds")), 1, "DST_A"))).isInstanceOf(DuplicateRule.class);
        assertThatThrownBy(() -> add(RuleRequest.of(List.of(did("ds")), 1, "NOWHERE")))
                .isInstanceOf(InvalidRSEExpression.class)
                .satisfies(e -> assertThat(((StevedoreException) e).kind()).isEqualTo(StevedoreException.Kind.CONFLICT));
        assertThatThrownBy(() -> add(RuleRequest.of(List.of(did("nope")), 1, "DST_A"))).hasMessageContaining("s:nope");
        assertThatThrownBy(() -> add(RuleRequest.of(List.of(did("ds")), 0, "DST_A"))).hasMessageContaining("copies");
        // Two DIDs, the second refused: neither rule is written.
        assertThatThrownBy(() -> add(RuleRequest.of(List.of(did("ds2"), did("ds")), 1, "DST_A")))
                .isInstanceOf(DuplicateRule.class);
        assertThat(f.count(graph)).isEqualTo(before);
    }

    @Test
    void deletingARuleTombstonesUnlockedReplicasAndCancelsQueuedTransfers() {
        f.dataset("ds", 2, 10, "DST_A");
        // Copies that were free for the reaper before (an LRU tombstone): a purge makes them OBSOLETE. A replica
        // without a tombstone before its first lock goes back to none (DeletionLifecycleTest).
        f.store.run("MATCH ()-[r:REPLICA]->(:Rse {rse: 'DST_A'}) SET r.tombstone = 1000", Map.of());
        f.dataset("ds2", 2, 10, "SRC");
        Rule onDisk = add(RuleRequest.of(List.of(did("ds")), 1, "DST_A"));
        Rule copying = add(RuleRequest.of(List.of(did("ds2")), 1, "DST_B"));
        f.rses.setAttribute("DST_A", "keep", "yes");
        Rule purging = add(RuleRequest.of(List.of(did("ds")), 1, "keep=yes").withPurgeReplicas(true));
        assertThat(f.count("MATCH ()-[r:REPLICA {lock_cnt: 2}]->(:Rse {rse: 'DST_A'}) RETURN count(r)")).isEqualTo(2);

        f.service.delete(onDisk.id(), null);
        assertThat(f.count("MATCH ()-[r:REPLICA {lock_cnt: 1}]->(:Rse {rse: 'DST_A'}) WHERE r.tombstone IS NULL RETURN count(r)"))
                .isEqualTo(2);
        f.service.delete(purging.id(), null);
        assertThat(f.count("MATCH ()-[r:REPLICA {lock_cnt: 0, tombstone: 0}]->(:Rse {rse: 'DST_A'}) RETURN count(r)"))
                .isEqualTo(2);

        f.service.delete(copying.id(), false);
        assertThat(f.count("MATCH (q:Request) RETURN count(q)")).isZero();
        // A replica that never became available goes first, whatever the rule said.
        assertThat(f.count("MATCH ()-[r:REPLICA {state: 'COPYING', tombstone: 0}]->(:Rse {rse: 'DST_B'}) RETURN count(r)"))
                .isEqualTo(2);
        assertThat(f.limits.usage("jdoe")).allSatisfy(u -> assertThat(u.bytes()).isZero());
        assertThat(f.count("MATCH (r:Rule) RETURN count(r)")).isZero();
        assertThat(f.count("MATCH ()-[l:LOCK]->() RETURN count(l)")).isZero();
    }

    @Test
    void anLruTombstoneIsTheLastAccessTime() {
        f.dataset("ds", 1, 10, "DST_A");
        Rule rule = add(RuleRequest.of(List.of(did("ds")), 1, "DST_A"));
        // As a copy the rule brought (no tombstone recorded from before its first lock): registered replicas go
        // back to the tombstone they had.
        f.store.run("MATCH ()-[r:REPLICA]->() SET r.accessed_at = 12345 REMOVE r.prelock_tombstone", Map.of());
        f.service.delete(rule.id(), null);
        assertThat(f.count("MATCH ()-[r:REPLICA {tombstone: 12345}]->() RETURN count(r)")).isEqualTo(1);
    }

    @Test
    void lockedRulesCannotBeDeleted() {
        f.dataset("ds", 1, 1, "SRC");
        String id = add(RuleRequest.of(List.of(did("ds")), 1, "DST_A")).id();
        f.service.update(id, Map.of("locked", true));
        assertThatThrownBy(() -> f.service.delete(id, null)).isInstanceOf(UnsupportedOperation.class);
        f.service.update(id, Map.of("locked", false, "lifetime", 60));
        assertThat(f.queries.get(id).expiresAt()).isEqualTo(clock.instant().plus(Duration.ofSeconds(60)));
        f.service.delete(id, null);
    }

    @Test
    void bigRulesStartInInjectAndAreAppliedLater() {
        RuleFixture small = new RuleFixture(store, clock, 5);
        small.dataset("big", 6, 1, "SRC");
        Rule rule = small.queries.get(small.service.add(RuleRequest.of(List.of(did("big")), 1, "DST_A"), "jdoe").get(0));
        assertThat(rule.state()).isEqualTo(RuleState.INJECT);
        assertThat(locks(rule.id())).isEmpty();
        Rule applied = small.service.applyPending(rule.id());
        assertThat(applied.state()).isEqualTo(RuleState.REPLICATING);
        assertThat(applied.locksReplicating()).isEqualTo(6);
    }

    @Test
    void injectionWritesInChunksAndResumesWhereItStopped() {
        RuleFixture small = new RuleFixture(store, clock, 3);
        small.dataset("big", 7, 1, "SRC");
        small.rses.setAttribute("DST_A", "pool", "x");
        small.rses.setAttribute("DST_B", "pool", "x");
        Rule rule = small.queries.get(small.service.add(RuleRequest.of(List.of(did("big")), 1, "pool=x"), "jdoe").get(0));
        assertThat(rule.state()).isEqualTo(RuleState.INJECT);
        // An earlier injection wrote two locks on DST_B before it was interrupted.
        String dstB = small.rses.get("DST_B").id();
        small.store.write(tx -> {
            small.rules.addLocks(tx, rule.id(), List.of(
                    new org.stevedore.rules.store.PlannedLock("s:big.f0", "s", "big.f0", 1, dstB, "DST_B", null, true, null),
                    new org.stevedore.rules.store.PlannedLock("s:big.f1", "s", "big.f1", 1, dstB, "DST_B", null, true, null)),
                    clock.millis());
            return null;
        });
        Rule applied = small.service.applyPending(rule.id());
        assertThat(applied.state()).isEqualTo(RuleState.REPLICATING);
        assertThat(applied.locksReplicating()).isEqualTo(7);
        // Each file once, and the dataset kept the RSE its first files got.
        assertThat(locks(rule.id())).hasSize(7).allSatisfy(l -> assertThat(l.rse()).isEqualTo("DST_B"));
        assertThat(small.count("MATCH (q:Request) RETURN count(q)")).isEqualTo(7);
    }
    @Test
    void eachInjectedChunkCommitsItsCountsWithItsLocks() {
        RuleFixture small = new RuleFixture(store, clock, 3);
        small.dataset("big", 7, 1, "SRC");
        Rule rule = small.queries.get(small.service.add(RuleRequest.of(List.of(did("big")), 1, "DST_A"), "jdoe").get(0));
        // The transfer agent fails in the second chunk: the first chunk is committed, the second rolled back.
        RequestQueue requests = new RequestQueue();
        TransferQueue failing = new TransferQueue() {
            private int calls;

            @Override
            public void queue(TransactionContext tx, Origin origin, List<Transfer> transfers, long now) {
                if (++calls == 2) {
                    throw new IllegalStateException("transfer agent down");
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
        RuleService interrupted = new RuleService(small.dids, new RuleStore(store, clock, failing),
                new RuleInputs(store), small.rses, small.accounts, small.limits,
                new RseExpressionResolver(small.rses)::resolve, clock, small.service.settings(),
                RandomGenerator.of("L64X128MixRandom"));
        assertThatThrownBy(() -> interrupted.applyPending(rule.id())).hasMessageContaining("transfer agent down");
        // The counters hold what was committed, chunk by chunk, not nothing until the last chunk.
        Rule half = small.queries.get(rule.id());
        assertThat(half.state()).isEqualTo(RuleState.INJECT);
        assertThat(locks(rule.id())).hasSize(3);
        assertThat(half.locksReplicating()).isEqualTo(3);
        // Resumed, the injection ends with counters that match every lock, none counted twice.
        Rule applied = small.service.applyPending(rule.id());
        assertThat(applied.state()).isEqualTo(RuleState.REPLICATING);
        assertThat(applied.locksReplicating()).isEqualTo(7);
        assertThat(applied.locksOk()).isZero();
        assertThat(locks(rule.id())).hasSize(7);
        assertThat(small.count("MATCH (q:Request) RETURN count(q)")).isEqualTo(7);
    }
}
