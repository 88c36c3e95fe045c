package org.stevedore.rules.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.replica.NewReplica;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.testing.StoreTest;
import org.stevedore.rules.error.DuplicateRule;
import org.stevedore.rules.store.RuleBrowsing;
import org.stevedore.rules.store.RuleQueries;
import org.stevedore.rules.store.RuleState;

/** The dry run of a rule against what the rule then does, and the state history rules record. */
class RuleDryRunTest extends StoreTest {

    private final MutableClock clock = MutableClock.at("2026-12-07T10:00:00Z");
    private RuleFixture f;

    @BeforeEach
    void grid() {
        f = new RuleFixture(store, clock, 10_000);
        f.rse("SRC", Map.of());
        f.rse("DST_A", Map.of("tier", "1"));
        f.rse("DST_B", Map.of("tier", "1"));
        f.rses.add("TAPE_1", Map.of("rse_type", "TAPE"));
    }

    private long graph() {
        return f.count("MATCH (n) RETURN count(n) + COUNT { ()-->() }");
    }

    @Test
    void thePlanIsWhatTheRuleWritesAndTheDryRunWritesNothing() {
        f.dataset("ds", 3, 100, "SRC");
        f.replicas.add("DST_A", List.of(NewReplica.of("s", "ds.f0", 100, "00000001")),
                "jdoe", true, null);
        f.dataset("raw", 2, 1000, "TAPE_1");
        RuleRequest ds = RuleRequest.of(List.of(new DidRef("s", "ds")), 2, "tier=1");
        RuleRequest raw = RuleRequest.of(List.of(new DidRef("s", "raw")), 1, "DST_B");
        long before = graph();
        RuleDryRun.Plan plan = f.service.dryRun(ds, "jdoe");
        RuleDryRun.Plan recall = f.service.dryRun(raw, "jdoe");
        assertThat(graph()).isEqualTo(before);

        assertThat(plan.refused()).isFalse();
        assertThat(plan.transfers()).isEqualTo(5);
        assertThat(plan.transferBytes()).isEqualTo(500);
        RuleDryRun.RulePlan rule = plan.rules().get(0);
        assertThat(rule.locksOk()).isEqualTo(1);
        assertThat(rule.rses()).extracting(RuleDryRun.RseShare::rse).containsExactly("DST_A", "DST_B");
        assertThat(plan.quota()).extracting(RuleDryRun.Quota::ruleBytes).containsExactly(300L, 300L);
        assertThat(recall.tapeRecalls().files()).isEqualTo(2);
        assertThat(recall.tapeRecalls().byRse()).singleElement()
                .satisfies(t -> assertThat(t.rse()).isEqualTo("TAPE_1"));

        String id = f.service.add(ds, "jdoe").get(0);
        List<RuleQueries.Lock> locks = new ArrayList<>();
        f.queries.locksOfRule(id, locks::add);
        assertThat(locks).extracting(RuleQueries.Lock::rse).containsOnly("DST_A", "DST_B").hasSize(6);
        assertThat(f.count("MATCH (q:Request) RETURN count(q)")).isEqualTo(plan.transfers());
        assertThat(f.count("MATCH (q:Request) RETURN sum(q.bytes)")).isEqualTo(plan.transferBytes());
        assertThatThrownBy(() -> f.service.dryRun(ds, "jdoe")).isInstanceOf(DuplicateRule.class);
    }

    @Test
    void aQuotaRefusalIsInThePlan() {
        f.dataset("ds", 3, 100, "SRC");
        f.limits.set("jdoe", "DST_A", 250);
        RuleDryRun.Plan plan = f.service.dryRun(RuleRequest.of(List.of(new DidRef("s", "ds")), 1, "DST_A"), "jdoe");
        assertThat(plan.refused()).isTrue();
        assertThat(plan.rules().get(0).refused().exceptionClass()).isEqualTo("InsufficientAccountLimit");
        assertThat(plan.quota()).singleElement().satisfies(q -> assertThat(q.limitBytes()).isEqualTo(250L));
    }

    @Test
    void rulesRecordTheStatesTheyEnter() {
        f.dataset("ds", 1, 10, null);
        String id = f.service.add(RuleRequest.of(List.of(new DidRef("s", "ds")), 1, "DST_A"), "jdoe").get(0);
        clock.advance(Duration.ofMinutes(5));
        f.service.update(id, Map.of("state", "SUSPENDED"));
        List<RuleBrowsing.Change> history = new RuleBrowsing(store).history(id);
        assertThat(history).extracting(RuleBrowsing.Change::state)
                .containsExactly(RuleState.REPLICATING, RuleState.STUCK, RuleState.SUSPENDED);
        assertThat(history.get(2).at()).isEqualTo(clock.instant());
    }
}
