package org.stevedore.transfer.conveyor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.replica.NewReplica;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.testing.StoreTest;
import org.stevedore.rules.store.RuleState;
import org.stevedore.testsupport.fts.Fts3EmulatorSettings;
import org.stevedore.transfer.store.RequestClaims;
import org.stevedore.transfer.store.RequestOutcomes;
import org.stevedore.transfer.store.RetryPolicy;

/**
 * The conveyor's bookkeeping of transfer jobs: claiming writes nothing, so a submission the store never heard of is
 * sent again under the same job id and recognised by FTS; the poller asks about {@code TransferJob}s, in turn, and
 * forgets a job once it ended; the requests of a job FTS lost, or that ended without their outcome, are retried as a
 * new job, until they are out of retries; a request that cannot be submitted waits before it is claimed again.
 */
class TransferJobsConveyorTest extends StoreTest {

    private final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
    private FtsGrid grid;

    private void grid(Duration queueTime) {
        grid = new FtsGrid(store, clock, Fts3EmulatorSettings.instant().withTimes(Duration.ZERO, queueTime,
                Duration.ZERO), RetryPolicy.immediate(3), List.of("SITE_A", "SITE_B"));
    }

    @AfterEach
    void stop() {
        if (grid != null) {
            grid.close();
        }
    }

    private long jobs() {
        return grid.count("MATCH (j:TransferJob) RETURN count(j)");
    }

    @Test
    void claimingWritesNothingAndASubmissionTheStoreNeverRecordedIsSentAgainAsTheSameJob() {
        grid(Duration.ofMinutes(5));
        grid.files("SITE_A", "f", 3, 1_000);
        grid.rule("SITE_B", null);

        assertThat(grid.claims.claim(Partition.whole(), 10)).hasSize(3);
        assertThat(grid.inState("QUEUED")).isEqualTo(3);

        assertThat(grid.submit()).isEqualTo(3);
        String job = grid.requestProperty("f0", "external_id");
        assertThat(grid.count("MATCH (j:TransferJob {id: '" + job + "'}) RETURN j.files")).isEqualTo(3);
        // As if the process had died after FTS took the job but before the store recorded it.
        store.write(tx -> tx.run("""
                MATCH (q:Request) SET q.state = 'QUEUED'
                REMOVE q.external_id, q.external_host, q.source_rse, q.submitted_at
                WITH count(q) AS n MATCH (j:TransferJob) DELETE j
                """).consume());

        assertThat(grid.submit()).isEqualTo(3);
        assertThat(grid.requestProperty("f0", "external_id")).isEqualTo(job);
        assertThat(grid.inState("SUBMITTED")).isEqualTo(3);
        assertThat(grid.fts.jobCount()).isEqualTo(1);
        assertThat(jobs()).isEqualTo(1);
    }

    @Test
    void aJobIsForgottenInTheTransactionThatFinishesItsFiles() {
        grid(Duration.ofMinutes(5));
        grid.files("SITE_A", "f", 2, 1_000);
        String rule = grid.rule("SITE_B", null);
        grid.submit();

        assertThat(grid.poll()).isZero();
        assertThat(jobs()).isEqualTo(1);

        clock.advance(Duration.ofMinutes(6));
        grid.poll();
        assertThat(grid.inState("DONE")).isEqualTo(2);
        assertThat(grid.queries.get(rule).state()).isEqualTo(RuleState.OK);
        assertThat(jobs()).isZero();
    }

    @Test
    void theRequestsOfAJobFtsLostAreQueuedAgainWithTheReasonAndTheJobIsForgotten() {
        grid(Duration.ofMinutes(5));
        grid.files("SITE_A", "f", 2, 1_000);
        grid.rule("SITE_B", null);
        grid.submit();
        grid.fts.forget(grid.requestProperty("f0", "external_id"));

        grid.poll();
        assertThat(grid.inState("QUEUED")).isEqualTo(2);
        assertThat(grid.requestProperty("f1", "error")).contains("lost the job");
        assertThat(jobs()).isZero();

        assertThat(grid.submit()).isEqualTo(2);
        assertThat(jobs()).isEqualTo(1);
    }

    @Test
    void aJobThatEndedWithoutAFinalStateForAFileLeavesThatRequestQueuedNotSubmittedForEver() {
        grid(Duration.ofMinutes(5));
        grid.files("SITE_A", "f", 2, 1_000);
        grid.rule("SITE_B", null);
        grid.submit();
        String job = grid.requestProperty("f0", "external_id");

        // The tool reported the job over, with an outcome for f0 only.
        String f0 = store.read(tx -> tx.run("MATCH (q:Request) WHERE q.did_key ENDS WITH ':f0' RETURN q.key")
                .single().get(0).asString());
        int requeued = grid.outcomes.finish(List.of(new RequestOutcomes.Outcome(f0, true, null)),
                RetryPolicy.immediate(3), Map.of(job, "ended without a final state"));

        assertThat(requeued).isEqualTo(1);
        assertThat(grid.requestProperty("f0", "state")).isEqualTo("DONE");
        assertThat(grid.requestProperty("f1", "state")).isEqualTo("QUEUED");
        assertThat(grid.requestProperty("f1", "error")).isEqualTo("ended without a final state");
        assertThat(jobs()).isZero();
    }

    @Test
    void aLateAnswerAboutAnEarlierAttemptChangesNothingOnceTheRequestIsResubmittedAsANewJob() {
        grid(Duration.ofMinutes(5));
        grid.files("SITE_A", "f", 1, 1_000);
        grid.rule("SITE_B", null);
        grid.submit();
        String first = grid.requestProperty("f0", "external_id");
        String f0 = store.read(tx -> tx.run("MATCH (q:Request) RETURN q.key").single().get(0).asString());

        // The first job's answer: the file failed while the job ran on (so the job is not forgotten yet).
        grid.outcomes.finish(List.of(new RequestOutcomes.Outcome(f0, false, "first attempt failed", first)),
                RetryPolicy.immediate(3));
        assertThat(grid.requestProperty("f0", "retry_count")).isEqualTo("1");
        assertThat(grid.submit()).isEqualTo(1);
        String second = grid.requestProperty("f0", "external_id");
        assertThat(second).isNotEqualTo(first);

        // The first job is asked about again and reports the same failure, or even a success: neither is the second
        // attempt's, which runs on untouched, its retries not used up.
        grid.outcomes.finish(List.of(new RequestOutcomes.Outcome(f0, false, "first attempt failed", first)),
                RetryPolicy.immediate(3));
        grid.outcomes.finish(List.of(new RequestOutcomes.Outcome(f0, true, null, first)), RetryPolicy.immediate(3));
        assertThat(grid.requestProperty("f0", "state")).isEqualTo("SUBMITTED");
        assertThat(grid.requestProperty("f0", "retry_count")).isEqualTo("1");
        assertThat(grid.requestProperty("f0", "external_id")).isEqualTo(second);
        assertThat(grid.count("MATCH ()-[r:REPLICA {state: 'AVAILABLE'}]->(:Rse {rse: 'SITE_B'}) RETURN count(r)"))
                .isZero();

        // The second job's own answer counts.
        grid.outcomes.finish(List.of(new RequestOutcomes.Outcome(f0, true, null, second)), RetryPolicy.immediate(3));
        assertThat(grid.requestProperty("f0", "state")).isEqualTo("DONE");
    }

    @Test
    void aRequestRetriedFromAnEndedJobIsResubmittedAsANewJobNotTheEndedOne() {
        grid(Duration.ofMinutes(5));
        grid.files("SITE_A", "f", 1, 1_000);
        String rule = grid.rule("SITE_B", null);
        grid.submit();
        String job = grid.requestProperty("f0", "external_id");

        // The tool reported the job over without an outcome for its only file, and it still holds the job: the same
        // job id again would be answered 409 and taken for that ended job, over and over.
        assertThat(grid.outcomes.finish(List.of(), RetryPolicy.immediate(3), Map.of(job, "ended without a final state")))
                .isEqualTo(1);
        assertThat(grid.requestProperty("f0", "retry_count")).isEqualTo("1");

        assertThat(grid.submit()).isEqualTo(1);
        assertThat(grid.requestProperty("f0", "external_id")).isNotEqualTo(job);
        assertThat(grid.fts.jobCount()).isEqualTo(2);
        clock.advance(Duration.ofMinutes(6));
        grid.poll();
        assertThat(grid.requestProperty("f0", "state")).isEqualTo("DONE");
        assertThat(grid.queries.get(rule).state()).isEqualTo(RuleState.OK);
    }

    @Test
    void aRequestWhoseJobsKeepGettingLostFailsOnceOutOfRetriesAndItsLockIsStuck() {
        grid(Duration.ofMinutes(5));
        grid.files("SITE_A", "f", 1, 1_000);
        String rule = grid.rule("SITE_B", null);
        for (int attempt = 1; attempt <= 4; attempt++) {
            assertThat(grid.submit()).as("attempt %d", attempt).isEqualTo(1);
            grid.fts.forget(grid.requestProperty("f0", "external_id"));
            grid.poll();
        }

        assertThat(grid.requestProperty("f0", "state")).isEqualTo("FAILED");
        assertThat(grid.requestProperty("f0", "retry_count")).isEqualTo("4");
        assertThat(grid.queries.get(rule).state()).isEqualTo(RuleState.STUCK);
        assertThat(grid.count("MATCH (:Rule)-[l:LOCK {state: 'STUCK'}]->() WHERE l.error CONTAINS 'lost the job' "
                + "RETURN count(l)")).isEqualTo(1);
        assertThat(grid.fts.jobCount()).isZero();
        assertThat(jobs()).isZero();
    }

    @Test
    void everyJobIsAskedAboutInTurnWhenThereAreMoreThanOneCycleTakes() {
        grid(Duration.ofMinutes(5));
        grid.rse("SITE_C", Map.of());
        grid.files("SITE_A", "a", 1, 1_000);
        grid.replicas.add("SITE_C", List.of(NewReplica.of("s", "c0", 1_000, "0000abcd")), "jdoe", false,
                new DidRef("s", "ds"));
        grid.rule("SITE_B", null);
        grid.submit();
        assertThat(jobs()).isEqualTo(2);

        List<String> first = grid.outcomes.jobsToPoll(Partition.whole(), 1).stream().map(Map.Entry::getKey).toList();
        clock.advance(Duration.ofSeconds(1));
        List<String> second = grid.outcomes.jobsToPoll(Partition.whole(), 1).stream().map(Map.Entry::getKey).toList();
        clock.advance(Duration.ofSeconds(1));
        List<String> third = grid.outcomes.jobsToPoll(Partition.whole(), 1).stream().map(Map.Entry::getKey).toList();

        assertThat(first).hasSize(1);
        assertThat(second).hasSize(1).doesNotContainAnyElementsOf(first);
        assertThat(third).isEqualTo(first);
    }

    @Test
    void aRequestWithoutAReadableSourceWaitsTheRequeueDelayInsteadOfLeadingEveryClaim() {
        grid(Duration.ofMinutes(5));
        grid.rse("SITE_C", Map.of());
        grid.replicas.add("SITE_C", List.of(NewReplica.of("s", "c0", 1_000, "0000abcd")), "jdoe", false,
                new DidRef("s", "ds"));
        grid.rule("SITE_B", null);
        assertThat(grid.claims.claim(Partition.whole(), 10)).hasSize(1);
        // The only source stops being readable after the rule made the request.
        grid.rses.update("SITE_C", Map.of("availability_read", false));

        assertThat(grid.submit()).isZero();
        assertThat(grid.requestProperty("c0", "error")).isEqualTo("No readable AVAILABLE source replica");
        assertThat(grid.claims.claim(Partition.whole(), 10)).isEmpty();

        clock.advance(Submitter.DEFAULT_REQUEUE_DELAY.plusSeconds(1));
        assertThat(grid.claims.claim(Partition.whole(), 10)).extracting(RequestClaims.Claimed::name)
                .containsExactly("c0");
    }

    @Test
    void theClaimTakesTheMostUrgentRequestsFirstThenTheOldest() {
        grid(Duration.ofMinutes(5));
        grid.files("SITE_A", "f", 3, 1_000);
        grid.rule("SITE_B", null);
        store.write(tx -> tx.run("""
                MATCH (q:Request) WITH q, split(q.did_key, ':')[1] AS name
                SET q.priority = CASE name WHEN 'f2' THEN 5 ELSE 3 END,
                    q.created_at = CASE name WHEN 'f0' THEN 2000 ELSE 1000 END
                """).consume());

        assertThat(grid.claims.claim(Partition.whole(), 2)).extracting(RequestClaims.Claimed::name)
                .containsExactly("f2", "f1");
        assertThat(grid.claims.claim(Partition.whole(), 3)).extracting(RequestClaims.Claimed::name)
                .containsExactly("f2", "f1", "f0");
    }
}
