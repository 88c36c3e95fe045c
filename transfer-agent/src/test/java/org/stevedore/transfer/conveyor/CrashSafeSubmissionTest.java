package org.stevedore.transfer.conveyor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.request.RetryPolicy;
import org.stevedore.catalog.rule.RuleState;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.testing.StoreTest;
import org.stevedore.rules.expression.RseExpressionResolver;
import org.stevedore.transfer.fts.emulator.Fts3EmulatorSettings;
import org.stevedore.transfer.tool.JobStatus;
import org.stevedore.transfer.tool.SubmittedJob;
import org.stevedore.transfer.tool.TransferJob;
import org.stevedore.transfer.tool.TransferTool;

/**
 * The submitter claims requests straight into SUBMITTED with the FTS job ids they will get (deterministic ids), before
 * the job is sent. A submitter that dies on either side of the submission leaves nothing stranded and nothing
 * submitted twice.
 */
class CrashSafeSubmissionTest extends StoreTest {

    private final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
    private FtsGrid grid;

    @BeforeEach
    void grid() {
        grid = new FtsGrid(store, clock, Fts3EmulatorSettings.instant(), RetryPolicy.immediate(3),
                List.of("SITE_A", "SITE_B"));
    }

    @AfterEach
    void stop() {
        grid.close();
    }

    /** The grid's FTS client, but the process "dies" before ({@code sendFirst} false) or after sending the job. */
    private Submitter dying(boolean sendFirst) {
        TransferTool tool = new TransferTool() {
            @Override
            public List<SubmittedJob> submit(List<TransferJob> jobs) {
                if (sendFirst) {
                    grid.client.submit(jobs);
                }
                throw new IllegalStateException("the submitter's process died");
            }

            @Override
            public List<SubmittedJob> expected(TransferJob job) {
                return grid.client.expected(job);
            }

            @Override
            public Map<String, JobStatus> query(List<String> jobIds) {
                return grid.client.query(jobIds);
            }

            @Override
            public void cancel(List<String> jobIds) {
                grid.client.cancel(jobIds);
            }

            @Override
            public void setPriority(String jobId, int priority) {
                grid.client.setPriority(jobId, priority);
            }
        };
        return new Submitter(grid.requests, grid.rses, grid.protocols, new TransferTools(Map.of(grid.host, tool), null),
                new RseExpressionResolver(grid.rses)::resolve, 500);
    }

    @Test
    void claimedRequestsAreOnRecordWithTheirFtsJobBeforeItIsSent() {
        grid.files("SITE_A", "f", 3, 1_000);
        grid.rule("SITE_B", null);

        assertThatThrownBy(() -> dying(false).runOnce(Partition.whole())).hasMessageContaining("died");

        assertThat(grid.inState("SUBMITTED")).isEqualTo(3);
        assertThat(grid.inState("SUBMITTING")).isZero();
        String job = grid.requestProperty("f0", "external_id");
        assertThat(job).isNotNull();
        assertThat(grid.requestProperty("f1", "external_id")).isEqualTo(job);
        assertThat(grid.fts.jobCount()).isZero();

        // Once sent, FTS names the job exactly as recorded.
        assertThat(grid.submit()).isZero();
        grid.store.write(tx -> tx.run("MATCH (q:Request) SET q.state = 'QUEUED'").consume());
        assertThat(grid.submit()).isEqualTo(3);
        assertThat(grid.requestProperty("f0", "external_id")).isEqualTo(job);
        assertThat(grid.client.query(List.of(job)).get(job).files()).hasSize(3);
    }

    @Test
    void aJobThatNeverLeftIsLostOnlyAfterTheGraceAndIsThenSubmittedOnce() {
        grid.files("SITE_A", "f", 3, 1_000);
        String rule = grid.rule("SITE_B", null);
        assertThatThrownBy(() -> dying(false).runOnce(Partition.whole())).hasMessageContaining("died");

        // Polled before its submission could have arrived: FTS does not know it yet, which is not a loss.
        grid.poll();
        assertThat(grid.inState("SUBMITTED")).isEqualTo(3);

        clock.advance(Poller.DEFAULT_LOST_AFTER.plus(Duration.ofSeconds(1)));
        assertThat(grid.poll()).isEqualTo(3);
        assertThat(grid.inState("QUEUED")).isEqualTo(3);

        assertThat(grid.submit()).isEqualTo(3);
        grid.poll();
        assertThat(grid.inState("DONE")).isEqualTo(3);
        assertThat(grid.rules.get(rule).state()).isEqualTo(RuleState.OK);
        assertThat(grid.fts.jobCount()).isEqualTo(1);
    }

    @Test
    void aJobSentJustBeforeTheSubmitterDiedIsFollowedWithoutResubmission() {
        grid.files("SITE_A", "f", 3, 1_000);
        String rule = grid.rule("SITE_B", null);
        assertThatThrownBy(() -> dying(true).runOnce(Partition.whole())).hasMessageContaining("died");
        assertThat(grid.fts.jobCount()).isEqualTo(1);

        assertThat(grid.poll()).isEqualTo(3);

        assertThat(grid.inState("DONE")).isEqualTo(3);
        assertThat(grid.rules.get(rule).state()).isEqualTo(RuleState.OK);
        assertThat(grid.fts.jobCount()).isEqualTo(1);
    }
}
