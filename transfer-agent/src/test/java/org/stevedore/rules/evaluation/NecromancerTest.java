package org.stevedore.rules.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.outbox.Events;
import org.stevedore.catalog.replica.BadReplicaStore;
import org.stevedore.catalog.replica.BadState;
import org.stevedore.catalog.replica.ReplicaState;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.testing.StoreTest;
import org.stevedore.rules.store.LockAudit;
import org.stevedore.rules.store.ReplicaRecovery;
import org.stevedore.rules.store.Rule;
import org.stevedore.rules.store.RuleState;
import org.stevedore.rules.workers.Necromancer;
import org.stevedore.transfer.store.RequestQueue;

/**
 * The recovery of replicas declared bad: copied again by their rules from another good copy, keeping every
 * REPLICATING lock's live request; the last copy lost, its locks and rules STUCK with the reason and the outbox told;
 * temporary unavailabilities ended at their time.
 */
class NecromancerTest extends StoreTest {

    private final MutableClock clock = MutableClock.at("2026-12-07T10:00:00Z");
    private RuleFixture f;
    private TransferDriver transfers;
    private BadReplicaStore declarations;
    private Necromancer necromancer;

    @BeforeEach
    void grid() {
        f = new RuleFixture(store, clock, 10_000);
        f.rse("SRC", Map.of());
        f.rse("DST", Map.of());
        transfers = new TransferDriver(store, clock, f.rules, 2);
        declarations = new BadReplicaStore(store, clock, BadReplicaStore.Settings.defaults());
        necromancer = new Necromancer(new ReplicaRecovery(f.rules, new RequestQueue(), clock), 100);
    }

    private Rule rule(String expression, String notification) {
        RuleRequest asked = RuleRequest.of(List.of(new DidRef("s", "ds")), 1, expression);
        asked = new RuleRequest(asked.dids(), null, 1, expression, null, null, null, null, null, null, notification,
                null, null, null, null, null, null, null);
        return f.queries.get(f.service.add(asked, "jdoe").get(0));
    }

    private void declareBad(String rse) {
        assertThat(declarations.declare(List.of(BadReplicaStore.Item.of("s", "ds.f0", rse)), BadState.BAD,
                "checksum mismatch", "root", null, false)).isEmpty();
    }

    private ReplicaState state(String rse) {
        return f.replicas.get(new DidRef("s", "ds.f0"), rse).state();
    }

    @Test
    void aBadReplicaWithAnotherGoodCopyIsCopiedAgainByItsRules() {
        f.dataset("ds", 1, 10, "SRC");
        Rule rule = rule("DST", null);
        String request = TransferDriver.key("s:ds.f0", f.rses.get("DST").id());
        transfers.submitAll();
        transfers.succeed(request);
        assertThat(f.queries.get(rule.id()).state()).isEqualTo(RuleState.OK);

        declareBad("DST");
        clock.advance(Duration.ofMinutes(1));
        necromancer.runOnce(Partition.whole());

        assertThat(f.queries.get(rule.id()).state()).isEqualTo(RuleState.REPLICATING);
        assertThat(state("DST")).isEqualTo(ReplicaState.COPYING);
        assertThat(transfers.state(request)).as("a new attempt for the copy").isEqualTo("QUEUED");
        assertThat(new LockAudit(store, new RequestQueue()).breaches(Partition.whole(), 10)).isEmpty();
        assertThat(declarations.list(null, null, null, null, 10)).singleElement()
                .satisfies(b -> assertThat(b.state()).isEqualTo(BadState.RECOVERED));

        assertThat(transfers.submitAll()).containsExactly(request);
        transfers.succeed(request);
        assertThat(f.queries.get(rule.id()).state()).isEqualTo(RuleState.OK);
        assertThat(state("DST")).isEqualTo(ReplicaState.AVAILABLE);
    }

    @Test
    void aBadReplicaNoRuleLocksIsLeftToTheReaperWhenAnotherGoodCopyExists() {
        f.dataset("ds", 1, 10, "SRC");
        rule("DST", null);
        transfers.submitAll();
        transfers.succeed(TransferDriver.key("s:ds.f0", f.rses.get("DST").id()));

        declareBad("SRC");
        necromancer.runOnce(Partition.whole());

        assertThat(f.replicas.get(new DidRef("s", "ds.f0"), "SRC").tombstone()).as("OBSOLETE")
                .isEqualTo(java.time.Instant.EPOCH);
        assertThat(state("SRC")).isEqualTo(ReplicaState.BAD);
    }

    @Test
    void theLastCopyIsLostItsLocksAndRulesStuckAndTheOutboxTold() {
        f.dataset("ds", 1, 10, "SRC");
        Rule rule = rule("SRC", "Y");
        assertThat(f.queries.get(rule.id()).state()).isEqualTo(RuleState.OK);

        declareBad("SRC");
        necromancer.runOnce(Partition.whole());

        Rule after = f.queries.get(rule.id());
        assertThat(after.state()).isEqualTo(RuleState.STUCK);
        assertThat(after.error()).contains("lost");
        assertThat(f.count("MATCH (:Rule)-[l:LOCK {state: 'STUCK', error: 'lost'}]->(:Did {key: 's:ds.f0'}) "
                + "RETURN count(l)")).isEqualTo(1);
        assertThat(f.count("MATCH (d:Did {key: 's:ds.f0', availability: 'LOST'}) RETURN count(d)")).isEqualTo(1);
        assertThat(f.replicas.get(new DidRef("s", "ds.f0"), "SRC").lockCnt()).as("a STUCK lock holds none").isZero();
        Events events = new Events(store);
        assertThat(events.since(ReplicaRecovery.REPLICA_LOST, 0, "", 10)).singleElement()
                .satisfies(e -> assertThat(e.payload()).contains("s:ds.f0").contains(rule.id()));
        assertThat(events.since(ReplicaRecovery.RULE_LOST, 0, "", 10)).singleElement()
                .satisfies(e -> assertThat(e.payload()).contains(rule.id()));
        assertThat(declarations.list(null, null, null, null, 10)).singleElement()
                .satisfies(b -> assertThat(b.state()).isEqualTo(BadState.LOST));

        // Repairing finds no source: the lock stays STUCK with its reason.
        new org.stevedore.rules.workers.RuleRepairer(f.queries, f.maintenance, 10).runOnce(Partition.whole());
        assertThat(f.count("MATCH (:Rule)-[l:LOCK {state: 'STUCK', error: 'lost'}]->() RETURN count(l)"))
                .isEqualTo(1);
    }

    @Test
    void aTemporaryUnavailabilityEndsAtItsTime() {
        f.dataset("ds", 1, 10, "SRC");
        declarations.declare(List.of(BadReplicaStore.Item.of("s", "ds.f0", "SRC")), BadState.TEMPORARY_UNAVAILABLE,
                "downtime", "root", clock.instant().plus(Duration.ofHours(1)), false);
        necromancer.runOnce(Partition.whole());
        assertThat(state("SRC")).isEqualTo(ReplicaState.TEMPORARY_UNAVAILABLE);

        clock.advance(Duration.ofHours(2));
        necromancer.runOnce(Partition.whole());
        assertThat(state("SRC")).isEqualTo(ReplicaState.AVAILABLE);
        assertThat(new Events(store).since(Events.REPLICA_AVAILABLE, 0, "", 10)).isNotEmpty();
    }
}
