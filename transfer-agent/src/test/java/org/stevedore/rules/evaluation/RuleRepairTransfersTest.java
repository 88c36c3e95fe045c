package org.stevedore.rules.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.testing.StoreTest;
import org.stevedore.rules.store.Rule;
import org.stevedore.rules.store.RuleState;
import org.stevedore.rules.workers.RuleRepairer;

/**
 * A repaired rule gets its transfers again: a lock re-planned to REPLICATING has a live request even where the
 * transfer before it ended (failed for good, or done and its replica since lost), and the rule reaches OK.
 */
class RuleRepairTransfersTest extends StoreTest {

    private final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
    private RuleFixture f;
    private TransferDriver transfers;
    private RuleRepairer repairer;

    @BeforeEach
    void grid() {
        f = new RuleFixture(store, clock, 10_000);
        f.rse("SRC", Map.of());
        f.rse("DST_A", Map.of("tier", "1"));
        transfers = new TransferDriver(store, clock, f.rules, 2);
        repairer = new RuleRepairer(f.queries, f.maintenance, 100);
    }

    private Rule add(String dataset) {
        return f.queries.get(f.service.add(RuleRequest.of(List.of(new DidRef("s", dataset)), 1, "DST_A"), "jdoe")
                .get(0));
    }

    @Test
    void aStuckRuleWhoseTransferFailedForGoodIsRepairedWithANewAttemptAndGoesOk() {
        f.dataset("ds", 1, 10, "SRC");
        Rule rule = add("ds");
        String request = TransferDriver.key("s:ds.f0", f.rses.get("DST_A").id());
        transfers.failForGood(request, "TRANSFER FAILED: connection refused");
        assertThat(transfers.state(request)).isEqualTo("FAILED");
        assertThat(f.queries.get(rule.id()).state()).isEqualTo(RuleState.STUCK);

        clock.advance(Duration.ofMinutes(10));
        repairer.runOnce(Partition.whole());

        assertThat(f.queries.get(rule.id()).state()).isEqualTo(RuleState.REPLICATING);
        assertThat(transfers.state(request)).as("the repaired lock's request").isEqualTo("QUEUED");
        assertThat(transfers.property(request, "retry_count")).as("a new attempt has all its retries").isNull();
        assertThat(transfers.property(request, "external_id")).isNull();
        assertThat(transfers.submitAll()).containsExactly(request);
        transfers.succeed(request);
        assertThat(transfers.state(request)).isEqualTo("DONE");
        assertThat(f.queries.get(rule.id()).state()).isEqualTo(RuleState.OK);
    }

    @Test
    void aNewRuleOnAReplicaWhoseTransferFailedForGoodGetsANewAttempt() {
        f.dataset("ds", 1, 10, "SRC");
        Rule first = add("ds");
        String request = TransferDriver.key("s:ds.f0", f.rses.get("DST_A").id());
        transfers.failForGood(request, "TRANSFER FAILED: connection refused");
        f.service.delete(first.id(), false);

        Rule second = f.queries.get(f.service.add(RuleRequest.of(List.of(new DidRef("s", "ds")), 1, "tier=1"),
                "jdoe").get(0));

        assertThat(second.state()).isEqualTo(RuleState.REPLICATING);
        assertThat(transfers.state(request)).isEqualTo("QUEUED");
        transfers.submitAll();
        transfers.succeed(request);
        assertThat(f.queries.get(second.id()).state()).isEqualTo(RuleState.OK);
    }

    @Test
    void aLockStuckByItsTransferGivesTheReplicaBackSoARepairedRuleLeavesNothingBehindWhenDeleted() {
        f.dataset("ds", 1, 10, "SRC");
        Rule rule = add("ds");
        String dst = f.rses.get("DST_A").id();
        String request = TransferDriver.key("s:ds.f0", dst);
        transfers.failForGood(request, "TRANSFER FAILED: connection refused");
        assertThat(replica("lock_cnt")).isEqualTo("0");
        assertThat(replica("tombstone")).isEqualTo("0");

        repairer.runOnce(Partition.whole());
        assertThat(replica("lock_cnt")).isEqualTo("1");
        assertThat(replica("tombstone")).isNull();

        f.service.delete(rule.id(), false);
        assertThat(transfers.state(request)).as("the repaired lock's request, wanted by nobody").isNull();
        assertThat(replica("lock_cnt")).isEqualTo("0");
        assertThat(replica("tombstone")).isEqualTo("0");
    }

    private String replica(String property) {
        return store.read(tx -> tx.run("""
                MATCH (:Did {key: 's:ds.f0'})-[r:REPLICA]->(:Rse {rse: 'DST_A'}) RETURN toString(r[$p]) AS v
                """, Map.of("p", property)).single().get("v").asString(null));
    }
}
