package org.stevedore.transfer.conveyor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.testing.StoreTest;
import org.stevedore.rules.store.LockState;
import org.stevedore.rules.store.RuleQueries;
import org.stevedore.rules.store.RuleState;
import org.stevedore.testsupport.fts.Fts3EmulatorSettings;
import org.stevedore.transfer.store.RetryPolicy;
import org.stevedore.transfer.tool.FileStatus;
import org.stevedore.transfer.tool.JobState;
import org.stevedore.transfer.tool.JobStatus;

/**
 * Sources on tape are recalled as part of the FTS job (the job goes through STAGING), recalls into a staging area are
 * staging-only STAGEIN jobs, and failed transfers are retried after a growing delay from another source first.
 */
class TapeAndRetryConveyorTest extends StoreTest {

    private final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
    private FtsGrid grid;

    private FtsGrid grid(Fts3EmulatorSettings settings, RetryPolicy retry) {
        grid = new FtsGrid(store, clock, settings, retry, List.of("SITE_A", "SITE_B"));
        grid.rse("SITE_TAPE", Map.of("rse_type", "TAPE"));
        return grid;
    }

    @AfterEach
    void stop() {
        if (grid != null) {
            grid.close();
        }
    }

    private JobStatus job(String name) {
        String id = grid.requestProperty(name, "external_id");
        return grid.client.query(List.of(id)).get(id);
    }

    @Test
    void aTapeSourceIsStagedByTheFtsJobBeforeTheTransferFinishes() {
        grid(Fts3EmulatorSettings.instant().withTimes(Duration.ofHours(2), Duration.ZERO, Duration.ZERO),
                RetryPolicy.immediate(3));
        grid.files("SITE_TAPE", "t", 3, 1_000);
        String rule = grid.rule("SITE_B", null);

        assertThat(grid.submit()).isEqualTo(3);
        assertThat(job("t0").state()).isEqualTo(JobState.STAGING);
        assertThat(grid.requestProperty("t0", "source_rse")).isEqualTo("SITE_TAPE");
        assertThat(grid.request("t0").requestType()).isEqualTo("TRANSFER");
        grid.poll();
        assertThat(grid.inState("SUBMITTED")).isEqualTo(3);

        clock.advance(Duration.ofHours(2).plusSeconds(1));
        grid.poll();
        assertThat(grid.queries.get(rule).state()).isEqualTo(RuleState.OK);
        assertThat(grid.inState("DONE")).isEqualTo(3);
    }

    @Test
    void aDiskSourceIsPreferredToATapeOneAndItsJobIsNotStaged() {
        grid(Fts3EmulatorSettings.instant().withTimes(Duration.ofHours(2), Duration.ZERO, Duration.ZERO),
                RetryPolicy.immediate(3));
        grid.files("SITE_TAPE", "f", 2, 1_000);
        grid.replicas.add("SITE_A", List.of(org.stevedore.catalog.replica.NewReplica.of("s", "f0", 1_000, "0000abcd")),
                "jdoe", false, null);
        grid.rule("SITE_B", null);

        assertThat(grid.submit()).isEqualTo(2);
        assertThat(grid.requestProperty("f0", "source_rse")).isEqualTo("SITE_A");
        assertThat(grid.requestProperty("f1", "source_rse")).isEqualTo("SITE_TAPE");
        assertThat(job("f0").state()).isEqualTo(JobState.FINISHED);
        assertThat(job("f1").state()).isEqualTo(JobState.STAGING);
    }

    @Test
    void aRecallIntoAStagingAreaIsAStageinJobWhoseDestinationIsItsSource() {
        grid(Fts3EmulatorSettings.instant().withTimes(Duration.ofHours(1), Duration.ZERO, Duration.ZERO),
                RetryPolicy.immediate(3));
        grid.rse("SITE_TAPE_BUFFER", Map.of("staging_area", true));
        grid.files("SITE_TAPE", "t", 1, 1_000);
        String rule = grid.rule("SITE_TAPE_BUFFER", null);
        assertThat(grid.requestProperty("t0", "request_type")).isEqualTo("STAGEIN");

        assertThat(grid.submit()).isEqualTo(1);
        JobStatus staging = job("t0");
        assertThat(staging.state()).isEqualTo(JobState.STAGING);
        FileStatus file = staging.files().get(0);
        assertThat(file.destination()).isEqualTo(file.source()).startsWith("davs://site-tape.example.org");

        clock.advance(Duration.ofHours(1).plusSeconds(1));
        grid.poll();
        assertThat(grid.queries.get(rule).state()).isEqualTo(RuleState.OK);
        assertThat(grid.replicas.get(new DidRef("s", "t0"), "SITE_TAPE_BUFFER").state().name()).isEqualTo("AVAILABLE");
    }

    @Test
    void aFailedTransferIsRetriedAfterADelayFromTheOtherSourceThenStuckWithTheReason() {
        grid(Fts3EmulatorSettings.instant().withFailures(0.0, destination -> destination.contains("site-b")),
                new RetryPolicy(3, Duration.ofMinutes(1), Duration.ofMinutes(3)));
        grid.rse("SITE_C", Map.of());
        grid.distances.add("SITE_A", "SITE_B", 1);
        grid.distances.add("SITE_C", "SITE_B", 5);
        grid.files("SITE_A", "f", 1, 1_000);
        grid.replicas.add("SITE_C", List.of(org.stevedore.catalog.replica.NewReplica.of("s", "f0", 1_000, "0000abcd")),
                "jdoe", false, null);
        String rule = grid.rule("SITE_B", null);

        assertThat(grid.submit()).isEqualTo(1);
        assertThat(grid.requestProperty("f0", "source_rse")).isEqualTo("SITE_A");
        grid.poll();
        assertThat(grid.requestProperty("f0", "state")).isEqualTo("QUEUED");
        assertThat(grid.requestProperty("f0", "error")).contains("emulated failure");

        // First retry: not before a minute, and from the source that has not failed yet.
        clock.advance(Duration.ofSeconds(59));
        assertThat(grid.submit()).isZero();
        clock.advance(Duration.ofSeconds(2));
        assertThat(grid.submit()).isEqualTo(1);
        assertThat(grid.requestProperty("f0", "source_rse")).isEqualTo("SITE_C");
        grid.poll();

        // Second retry waits two minutes; both sources have failed, so the nearer one again.
        clock.advance(Duration.ofSeconds(90));
        assertThat(grid.submit()).isZero();
        clock.advance(Duration.ofSeconds(31));
        assertThat(grid.submit()).isEqualTo(1);
        assertThat(grid.requestProperty("f0", "source_rse")).isEqualTo("SITE_A");
        grid.poll();

        // Third retry: three minutes (the cap), then it fails for good.
        clock.advance(Duration.ofMinutes(3).plusSeconds(1));
        assertThat(grid.submit()).isEqualTo(1);
        grid.poll();
        assertThat(grid.requestProperty("f0", "state")).isEqualTo("FAILED");
        assertThat(grid.requestProperty("f0", "retry_count")).isEqualTo("4");
        assertThat(grid.queries.get(rule).state()).isEqualTo(RuleState.STUCK);
        List<RuleQueries.Lock> locks = new java.util.ArrayList<>();
        grid.queries.locksOfRule(rule, locks::add);
        assertThat(locks).singleElement().satisfies(l -> {
            assertThat(l.state()).isEqualTo(LockState.STUCK);
            assertThat(l.error()).contains("emulated failure");
        });
    }
}
