package org.stevedore.rules.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidStore;
import org.stevedore.catalog.did.DidType;
import org.stevedore.catalog.did.NewDid;
import org.stevedore.catalog.did.UpdatedDidQueue;
import org.stevedore.catalog.outbox.Events;
import org.stevedore.catalog.replica.NewReplica;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.testing.StoreTest;
import org.stevedore.rules.store.LockState;
import org.stevedore.rules.store.Rule;
import org.stevedore.rules.store.RuleQueries;
import org.stevedore.rules.store.RuleState;
import org.stevedore.rules.workers.RuleCleaner;
import org.stevedore.rules.workers.RuleInjector;
import org.stevedore.rules.workers.RuleReevaluator;
import org.stevedore.rules.workers.RuleRepairer;

class RuleWorkersTest extends StoreTest {

    private final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
    private RuleFixture f;
    private RuleReevaluator reevaluator;
    private RuleRepairer repairer;

    @BeforeEach
    void grid() {
        f = new RuleFixture(store, clock, 10_000);
        f.rse("SRC", Map.of());
        f.rse("DST_A", Map.of("tier", "1"));
        f.rse("DST_B", Map.of("tier", "1"));
        reevaluator = new RuleReevaluator(new UpdatedDidQueue(store), f.maintenance, 100);
        repairer = new RuleRepairer(f.queries, f.maintenance, 100);
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

    private void newFileOnSrc(String name) {
        f.replicas.add("SRC", List.of(NewReplica.of("s", name, 10, "00000001")), "jdoe", true, null);
    }

    private void drainQueue() {
        while (reevaluator.runOnce(Partition.whole()).didWork()) {
            // until the queue is empty
        }
    }

    @Test
    void attachedFilesJoinTheirGroupAndDetachedOnesLoseTheirLocks() {
        f.dataset("ds", 2, 10, "SRC");
        Rule rule = add(RuleRequest.of(List.of(did("ds")), 1, "tier=1"));
        String rse = locks(rule.id()).get(0).rse();
        drainQueue();

        newFileOnSrc("late");
        f.attachments.attach(did("ds"), List.of(did("late")), false);
        drainQueue();
        assertThat(locks(rule.id())).hasSize(3).allSatisfy(l -> assertThat(l.rse()).isEqualTo(rse));
        assertThat(f.queries.get(rule.id()).locksReplicating()).isEqualTo(3);
        assertThat(f.count("MATCH (u:UpdatedDid) RETURN count(u)")).isZero();

        f.attachments.detach(did("ds"), List.of(did("late")));
        drainQueue();
        assertThat(locks(rule.id())).extracting(RuleQueries.Lock::name).doesNotContain("late");
        assertThat(f.queries.get(rule.id()).locksReplicating()).isEqualTo(2);
        assertThat(f.count("MATCH (:Did {name: 'late'})-[r:REPLICA {lock_cnt: 0, tombstone: 0}]->(:Rse {rse: $rse}) "
                + "RETURN count(r)", Map.of("rse", rse))).isEqualTo(1);
        assertThat(f.count("MATCH (q:Request) WHERE q.did_key ENDS WITH ':late' RETURN count(q)")).isZero();
    }

    @Test
    void anAttachmentReevaluatedAfterALaterDetachmentDoesNotLockWhatHasLeft() {
        f.dataset("ds", 2, 10, "SRC");
        Rule rule = add(RuleRequest.of(List.of(did("ds")), 1, "tier=1"));
        drainQueue();
        newFileOnSrc("brief");
        f.attachments.attach(did("ds"), List.of(did("brief")), false);
        f.attachments.detach(did("ds"), List.of(did("brief")));
        // Both changes carry the same time; handle the detachment first, as a worker may.
        List<UpdatedDidQueue.UpdatedDid> changes = new UpdatedDidQueue(store).oldest(10);
        assertThat(changes).extracting(UpdatedDidQueue.UpdatedDid::action)
                .containsExactlyInAnyOrder(UpdatedDidQueue.Action.ATTACH, UpdatedDidQueue.Action.DETACH);
        changes.stream().sorted(java.util.Comparator.comparing(c -> c.action() == UpdatedDidQueue.Action.ATTACH))
                .forEach(f.maintenance::reevaluate);

        assertThat(locks(rule.id())).extracting(RuleQueries.Lock::name).doesNotContain("brief");
        assertThat(f.queries.get(rule.id()).locksReplicating()).isEqualTo(2);
    }

    @Test
    void nestedContainersAreFollowedAndFilesStillReachableKeepTheirLocks() {
        f.dataset("d1", 2, 10, "SRC");
        f.dids.add(List.of(NewDid.collection("s", "top", DidType.CONTAINER, "jdoe"),
                NewDid.collection("s", "mid", DidType.CONTAINER, "jdoe")));
        f.attachments.attach(did("top"), List.of(did("mid")), false);
        f.attachments.attach(did("mid"), List.of(did("d1")), false);
        Rule rule = add(RuleRequest.of(List.of(did("top")), 1, "DST_A"));
        assertThat(locks(rule.id())).hasSize(2);
        drainQueue();

        f.dataset("d2", 3, 10, "SRC");
        f.attachments.attach(did("d2"), List.of(did("d1.f0")), false);
        f.attachments.attach(did("mid"), List.of(did("d2")), false);
        drainQueue();
        assertThat(locks(rule.id())).extracting(RuleQueries.Lock::name)
                .containsExactlyInAnyOrder("d1.f0", "d1.f1", "d2.f0", "d2.f1", "d2.f2");

        // d1.f0 leaves d1 but is still reached through d2: its lock stays.
        f.attachments.detach(did("d1"), List.of(did("d1.f0")));
        drainQueue();
        assertThat(locks(rule.id())).extracting(RuleQueries.Lock::name).contains("d1.f0");
        f.attachments.detach(did("mid"), List.of(did("d2")));
        drainQueue();
        assertThat(locks(rule.id())).extracting(RuleQueries.Lock::name).containsExactly("d1.f1");
    }

    @Test
    void stuckRulesAreRepairedWhenASourceAppearsAndSuspendedWhenStuckTooLong() {
        f.dataset("ds", 1, 10, null);
        Rule rule = add(RuleRequest.of(List.of(did("ds")), 1, "DST_A"));
        Instant firstStuck = rule.stuckAt();
        assertThat(rule.state()).isEqualTo(RuleState.STUCK);

        repairer.runOnce(Partition.whole());
        Rule still = f.queries.get(rule.id());
        assertThat(still.state()).isEqualTo(RuleState.STUCK);
        assertThat(still.error()).contains("1 lock(s) stuck").contains("No replica of 's:ds.f0'");

        clock.advance(Duration.ofHours(1));
        f.replicas.add("SRC", List.of(NewReplica.of("s", "ds.f0", 10, "00000001")), "jdoe", true, null);
        assertThat(repairer.runOnce(Partition.whole()).items()).isEqualTo(1);
        Rule repaired = f.queries.get(rule.id());
        assertThat(repaired.state()).isEqualTo(RuleState.REPLICATING);
        assertThat(locks(rule.id())).singleElement().satisfies(l -> assertThat(l.state()).isEqualTo(LockState.REPLICATING));
        assertThat(f.count("MATCH (q:Request {state: 'QUEUED'}) RETURN count(q)")).isEqualTo(1);

        // The transfer fails for good: stuck again, and the first stuck time is kept.
        clock.advance(Duration.ofHours(1));
        f.store.write(tx -> f.rules.transfersFailed(tx, List.of(Map.of("key", "s:ds.f0",
                "rse_id", f.rses.get("DST_A").id(), "error", "TRANSFER FAILED: checksum mismatch")), clock.millis()));
        Rule again = f.queries.get(rule.id());
        assertThat(again.state()).isEqualTo(RuleState.STUCK);
        assertThat(again.stuckAt()).isEqualTo(firstStuck);
        assertThat(again.error()).contains("checksum mismatch");

        clock.advance(Duration.ofDays(15));
        repairer.runOnce(Partition.whole());
        assertThat(f.queries.get(rule.id()).state()).isEqualTo(RuleState.SUSPENDED);
    }

    @Test
    void aStuckLockMovesWhenItsRseLeavesTheExpression() {
        f.dataset("ds", 1, 10, null);
        Rule rule = add(RuleRequest.of(List.of(did("ds")), 1, "tier=1").withGrouping("NONE"));
        String first = locks(rule.id()).get(0).rse();
        f.replicas.add("SRC", List.of(NewReplica.of("s", "ds.f0", 10, "00000001")), "jdoe", true, null);
        f.rses.update(first, Map.of("availability_write", false));
        repairer.runOnce(Partition.whole());
        assertThat(locks(rule.id())).singleElement().satisfies(l -> {
            assertThat(l.rse()).isNotEqualTo(first);
            assertThat(l.state()).isEqualTo(LockState.REPLICATING);
        });
    }

    @Test
    void finishedTransfersTurnLocksOkAndNotifyingRulesWriteAnEvent() {
        f.dataset("ds", 2, 10, "SRC");
        RuleRequest request = new RuleRequest(List.of(did("ds")), null, 1, "DST_A", null, null, null, null, null, null,
                "C", null, null, null, null, null, null, null);
        Rule rule = add(request);
        String dst = f.rses.get("DST_A").id();
        f.store.write(tx -> f.rules.replicasAvailable(tx, List.of(Map.of("key", "s:ds.f0", "rse_id", dst)), clock.millis()));
        assertThat(f.queries.get(rule.id()).locksOk()).isEqualTo(1);
        // The dataset's registration wrote its own events (CREATE_DTS, REPLICA_AVAILABLE); only rule events matter here.
        assertThat(new Events(store).oldest(10)).filteredOn(RuleWorkersTest::ruleEvent).isEmpty();
        f.store.write(tx -> f.rules.replicasAvailable(tx, List.of(Map.of("key", "s:ds.f1", "rse_id", dst)), clock.millis()));
        assertThat(f.queries.get(rule.id()).state()).isEqualTo(RuleState.OK);
        assertThat(new Events(store).oldest(10)).filteredOn(RuleWorkersTest::ruleEvent)
                .singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo("RULE_OK");
            assertThat(e.payload()).contains(rule.id());
        });
    }

    private static boolean ruleEvent(Events.Event e) {
        return !e.type().equals(Events.REPLICA_AVAILABLE) && !e.type().equals(DidStore.CREATE_DTS);
    }

    @Test
    void expiredRulesAreCleanedUnlessLocked() {
        f.dataset("ds", 1, 10, "DST_A");
        Rule expiring = add(RuleRequest.of(List.of(did("ds")), 1, "DST_A").withLifetime(60L));
        Rule locked = add(new RuleRequest(List.of(did("ds")), null, 1, "tier=1", null, 60L, null, true, null, null, null,
                null, null, null, null, null, null, null));
        RuleCleaner cleaner = new RuleCleaner(f.queries, f.service, clock, 100);
        assertThat(cleaner.runOnce(Partition.whole()).didWork()).isFalse();
        clock.advance(Duration.ofMinutes(2));
        assertThat(cleaner.runOnce(Partition.whole()).items()).isEqualTo(1);
        assertThat(f.count("MATCH (r:Rule {id: $id}) RETURN count(r)", Map.of("id", expiring.id()))).isZero();
        assertThat(f.count("MATCH (r:Rule {id: $id}) RETURN count(r)", Map.of("id", locked.id()))).isEqualTo(1);
    }

    @Test
    void theInjectorAppliesBigRules() {
        RuleFixture small = new RuleFixture(store, clock, 3);
        small.dataset("big", 5, 1, "SRC");
        Rule rule = small.queries.get(small.service.add(RuleRequest.of(List.of(did("big")), 1, "DST_A"), "jdoe").get(0));
        assertThat(rule.state()).isEqualTo(RuleState.INJECT);
        RuleInjector injector = new RuleInjector(small.queries, small.service, 10);
        assertThat(injector.runOnce(new Partition(0, 1)).items()).isEqualTo(1);
        assertThat(small.queries.get(rule.id()).locksReplicating()).isEqualTo(5);
        assertThat(injector.runOnce(new Partition(0, 1)).didWork()).isFalse();
    }
}
