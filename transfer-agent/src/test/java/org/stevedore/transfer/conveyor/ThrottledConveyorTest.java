package org.stevedore.transfer.conveyor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.testing.StoreTest;
import org.stevedore.rules.store.RuleState;
import org.stevedore.testsupport.fts.Fts3EmulatorSettings;
import org.stevedore.transfer.store.RetryPolicy;

/**
 * Transfer limits per destination and activity: covered requests wait (WAITING) and the throttler lets them go as
 * transfers finish, never more in flight than the limit, the most urgent and oldest first.
 */
class ThrottledConveyorTest extends StoreTest {

    private FtsGrid grid;

    @BeforeEach
    void grid() {
        grid = new FtsGrid(store, Clock.systemUTC(), Fts3EmulatorSettings.instant(), RetryPolicy.immediate(3),
                List.of("SITE_A", "SITE_B"));
    }

    @AfterEach
    void stop() {
        grid.close();
    }

    private long inFlight() {
        return grid.count("MATCH (q:Request) WHERE q.state IN ['SUBMITTING', 'SUBMITTED'] RETURN count(q)");
    }

    @Test
    void aDestinationLimitedToTwoTransfersNeverHasMoreInFlightAndStillFinishesEverything() {
        grid.limits.set("SITE_B", null, 2L, null);
        grid.files("SITE_A", "f", 5, 1_000);
        String rule = grid.rule("SITE_B", null);

        assertThat(grid.submit()).isZero();
        assertThat(grid.inState("WAITING")).isEqualTo(5);

        int rounds = 0;
        while (grid.queries.get(rule).state() != RuleState.OK && rounds++ < 20) {
            grid.release();
            grid.submit();
            assertThat(inFlight()).isLessThanOrEqualTo(2);
            // Nothing more is released while the two slots are taken.
            assertThat(grid.release()).isZero();
            grid.poll();
        }
        assertThat(grid.queries.get(rule).state()).isEqualTo(RuleState.OK);
        assertThat(grid.inState("DONE")).isEqualTo(5);
        // Five files two at a time: three jobs.
        assertThat(grid.fts.jobCount()).isEqualTo(3);
    }

    @Test
    void theMostUrgentThenTheOldestWaitingRequestIsReleasedFirst() {
        grid.limits.set("SITE_B", null, 1L, null);
        grid.files("SITE_A", "f", 3, 1_000);
        grid.rule("SITE_B", null);
        grid.store.run("MATCH (q:Request) WHERE q.did_key ENDS WITH ':f2' SET q.priority = 5", Map.of());
        grid.submit();

        assertThat(grid.release()).isEqualTo(1);
        assertThat(grid.requestProperty("f2", "state")).isEqualTo("QUEUED");
        assertThat(grid.requestProperty("f2", "released_at")).isNotNull();
        grid.submit();
        assertThat(grid.requestProperty("f2", "state")).isEqualTo("SUBMITTED");
        grid.poll();

        assertThat(grid.release()).isEqualTo(1);
        assertThat(grid.requestProperty("f0", "state")).isEqualTo("QUEUED");
        assertThat(grid.requestProperty("f1", "state")).isEqualTo("WAITING");
    }

    @Test
    void bytesInFlightStayUnderTheByteLimit() {
        grid.limits.set("SITE_B", null, null, 2_500L);
        grid.files("SITE_A", "f", 4, 1_000);
        grid.rule("SITE_B", null);
        grid.submit();

        assertThat(grid.release()).isEqualTo(2);
        grid.submit();
        assertThat(grid.count("MATCH (q:Request {state: 'SUBMITTED'}) RETURN sum(q.bytes)")).isEqualTo(2_000);
        assertThat(grid.release()).isZero();
    }

    @Test
    void aLimitOnAnotherActivityLeavesTheRequestsAloneAndOneOnTheirsHoldsThemBack() {
        grid.rse("SITE_C", Map.of());
        grid.limits.set("SITE_B", "Express", 0L, null);
        grid.limits.set("SITE_C", "Production", 0L, null);
        grid.files("SITE_A", "f", 2, 1_000);
        grid.rule("SITE_B", "Production");
        grid.rule("SITE_C", "Production");

        assertThat(grid.submit()).isEqualTo(2);
        assertThat(grid.count("MATCH (d:Rse {rse: 'SITE_B'}) "
                + "MATCH (q:Request {state: 'SUBMITTED', dest_rse_id: d.id}) RETURN count(q)")).isEqualTo(2);
        assertThat(grid.count("MATCH (d:Rse {rse: 'SITE_C'}) "
                + "MATCH (q:Request {state: 'WAITING', dest_rse_id: d.id}) RETURN count(q)")).isEqualTo(2);
    }

    @Test
    void removingTheLimitLetsTheWaitingRequestsGo() {
        grid.limits.set("SITE_B", null, 0L, null);
        grid.files("SITE_A", "f", 3, 1_000);
        grid.rule("SITE_B", null);
        grid.submit();
        assertThat(grid.release()).isZero();
        assertThat(grid.inState("WAITING")).isEqualTo(3);

        grid.limits.delete("SITE_B", null);

        assertThat(grid.release()).isEqualTo(3);
        assertThat(grid.submit()).isEqualTo(3);
        assertThat(grid.inState("SUBMITTED")).isEqualTo(3);
    }

    @Test
    void aRetriedRequestGoesBackThroughTheThrottler() {
        grid.limits.set("SITE_B", null, 1L, null);
        grid.files("SITE_A", "f", 1, 1_000);
        grid.rule("SITE_B", null);
        grid.submit();
        grid.release();
        grid.submit();
        // The tool loses the job: the request is queued again and must be released again before it goes.
        grid.fts.forget(grid.requestProperty("f0", "external_id"));
        grid.poll();
        assertThat(grid.requestProperty("f0", "state")).isEqualTo("QUEUED");
        assertThat(grid.requestProperty("f0", "released_at")).isNull();

        assertThat(grid.submit()).isZero();
        assertThat(grid.requestProperty("f0", "state")).isEqualTo("WAITING");
        assertThat(grid.release()).isEqualTo(1);
        assertThat(grid.submit()).isEqualTo(1);
        assertThat(grid.requestProperty("f0", "state")).isEqualTo("SUBMITTED");
    }
}
