package org.stevedore.rules.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.testing.StoreTest;
import org.stevedore.rules.store.LockOutcomes;
import org.stevedore.rules.store.LockOutcomes.Copy;
import org.stevedore.rules.store.LockOutcomes.FailedCopy;
import org.stevedore.rules.store.LockState;
import org.stevedore.rules.store.Rule;
import org.stevedore.rules.store.RuleQueries;
import org.stevedore.rules.store.RuleState;

/** The port the transfer agent tells the outcomes of its copies through: what it does to locks and rule counters. */
class LockOutcomesTest extends StoreTest {

    private final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
    private RuleFixture f;
    private LockOutcomes outcomes;
    private String dst;

    @BeforeEach
    void grid() {
        f = new RuleFixture(store, clock, 10_000);
        f.rse("SRC", Map.of());
        f.rse("DST", Map.of());
        dst = f.rses.get("DST").id();
        outcomes = new LockOutcomes(f.rules);
    }

    private Rule rule() {
        f.dataset("ds", 3, 10, "SRC");
        return f.queries.get(f.service.add(RuleRequest.of(List.of(new DidRef("s", "ds")), 1, "DST"), "jdoe").get(0));
    }

    private List<RuleQueries.Lock> locks(String ruleId) {
        List<RuleQueries.Lock> out = new ArrayList<>();
        f.queries.locksOfRule(ruleId, out::add);
        return out;
    }

    @Test
    void arrivedCopiesTurnTheirLocksOkAndAreCountedOnceEach() {
        Rule rule = rule();
        assertThat(rule.locksReplicating()).isEqualTo(3);

        // f0 named twice and a copy no lock waits for (another RSE) in one batch.
        f.store.write(tx -> {
            outcomes.arrived(tx, List.of(new Copy("s:ds.f0", dst), new Copy("s:ds.f0", dst),
                    new Copy("s:ds.f1", f.rses.get("SRC").id())), clock.millis());
            return null;
        });

        Rule after = f.queries.get(rule.id());
        assertThat(after.locksOk()).isEqualTo(1);
        assertThat(after.locksReplicating()).isEqualTo(2);
        assertThat(after.state()).isEqualTo(RuleState.REPLICATING);
        assertThat(locks(rule.id())).filteredOn(l -> l.state() == LockState.OK).singleElement()
                .satisfies(l -> assertThat(l.name()).isEqualTo("ds.f0"));
    }

    @Test
    void failedCopiesLeaveTheirLocksStuckWithTheReason() {
        Rule rule = rule();

        f.store.write(tx -> {
            outcomes.failed(tx, List.of(new FailedCopy("s:ds.f1", dst, "checksum mismatch"),
                    new FailedCopy("s:ds.f1", dst, "said twice")), clock.millis());
            outcomes.arrived(tx, List.of(), clock.millis());
            return null;
        });

        Rule after = f.queries.get(rule.id());
        assertThat(after.locksStuck()).isEqualTo(1);
        assertThat(after.locksReplicating()).isEqualTo(2);
        assertThat(after.state()).isEqualTo(RuleState.STUCK);
        assertThat(after.error()).isEqualTo("checksum mismatch");
        assertThat(locks(rule.id())).filteredOn(l -> l.state() == LockState.STUCK).singleElement()
                .satisfies(l -> assertThat(l.name()).isEqualTo("ds.f1"));
    }
}
