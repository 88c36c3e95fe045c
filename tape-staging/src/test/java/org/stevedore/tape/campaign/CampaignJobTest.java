package org.stevedore.tape.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.JobExecution;
import org.stevedore.catalog.testing.StoreTest;
import org.stevedore.tape.store.Campaign;
import org.stevedore.tape.store.CampaignFileState;
import org.stevedore.tape.store.CampaignState;
import org.stevedore.tape.store.NewCampaign;

/** Campaigns run by the real Spring Batch job against the emulated tape and the real store. */
class CampaignJobTest extends StoreTest {

    private static final CampaignSettings SETTINGS = new CampaignSettings(4, Duration.ofSeconds(5),
            Duration.ofMinutes(5), 7);

    private static NewCampaign campaign(List<String> inputs, long windowFiles, long windowBytes, int priority) {
        return new NewCampaign("prod", inputs, "DISK_1", Duration.ofDays(1), windowFiles, windowBytes, priority, null);
    }

    @Test
    void aCampaignStagesEveryFileOnceWithinItsWindowAtEveryStep() {
        CampaignFixture f = new CampaignFixture(store, new Window(20, 20_000), SETTINGS);
        f.dataset("ds", 30, 1_000);

        Campaign c = f.service.submit(campaign(List.of("run8:ds"), 10, 8_000, 3));

        Campaign done = f.campaigns.get(c.id());
        assertThat(done.state()).isEqualTo(CampaignState.COMPLETED);
        assertThat(done.total().files()).isEqualTo(30);
        assertThat(done.staged().files()).isEqualTo(30);
        assertThat(done.staged().bytes()).isEqualTo(30_000);
        assertThat(done.failed().files()).isZero();
        assertThat(f.endpoint.violations).isEmpty();
        assertThat(f.endpoint.checks).isGreaterThan(f.endpoint.stageCalls);
        assertThat(f.endpoint.stagedPaths).hasSize(30).doesNotHaveDuplicates();
        // Window of 8 files by bytes, at most 4 per request: never one request for the whole campaign.
        assertThat(f.endpoint.stageCalls).isGreaterThanOrEqualTo(8);
        // Tape order: paths asked for in ascending order.
        assertThat(f.endpoint.stagedPaths).isSorted();
        CampaignProgress progress = f.service.progress(c.id());
        assertThat(progress.eta()).isEqualTo(Duration.ZERO);
        assertThat(progress.bytesPerSecond()).isPositive();
    }

    @Test
    void aCampaignFailedPartWayCompletesWhenRunAgainWithoutAskingForAnyFileTwice() {
        CampaignFixture f = new CampaignFixture(store, new Window(100, 100_000), SETTINGS);
        List<String> names = f.dataset("ds", 40, 1_000);
        f.endpoint.failAfter = 5;

        Campaign c = f.service.submit(campaign(List.of("run8:ds"), 12, 100_000, 5));

        JobExecution failed = f.repository.getLastJobExecution(CampaignJobs.JOB, CampaignJobs.parameters(c.id()));
        assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(f.endpoint.stageCalls).isEqualTo(5);
        Campaign partWay = f.campaigns.get(c.id());
        assertThat(partWay.requested().files()).as("recorded with their request ids")
                .isEqualTo(f.endpoint.stagedPaths.size()).isBetween(5L, 39L);
        assertThat(partWay.state()).isEqualTo(CampaignState.RUNNING);

        JobExecution second = f.jobs.launch(c.id());

        assertThat(second.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(second.getJobInstance().getId()).isEqualTo(failed.getJobInstance().getId());
        assertThat(second.getStepExecutions()).extracting(s -> s.getStepName())
                .as("the finished expansion is not redone").containsExactly("stage", "copy", "finish");
        Campaign done = f.campaigns.get(c.id());
        assertThat(done.state()).isEqualTo(CampaignState.COMPLETED);
        assertThat(done.staged().files()).isEqualTo(40);
        assertThat(f.endpoint.stagedPaths).as("stage requests == files").hasSize(40).doesNotHaveDuplicates();
        assertThat(new HashSet<>(f.campaigns.files().files(c.id(), CampaignFileState.STAGED, 100).stream()
                .map(x -> x.name()).toList())).as("no file missing").containsExactlyInAnyOrderElementsOf(names);
        assertThat(f.endpoint.violations).isEmpty();
    }

    @Test
    void aJobLeftRunningByADeadProcessIsResumedAtStartUp() {
        CampaignFixture f = new CampaignFixture(store, new Window(100, 100_000), SETTINGS);
        f.dataset("ds", 20, 1_000);
        f.endpoint.failAfter = 2;
        Campaign c = f.service.submit(campaign(List.of("run8:ds"), 8, 100_000, 5));
        // As if the process had died: the last execution still says STARTED.
        JobExecution dead = f.repository.getLastJobExecution(CampaignJobs.JOB, CampaignJobs.parameters(c.id()));
        dead.setStatus(BatchStatus.STARTED);
        dead.setEndTime(null);
        f.repository.update(dead);
        assertThat(f.jobs.running(c.id())).isTrue();

        assertThat(f.jobs.resumeAll()).isEqualTo(1);

        assertThat(f.campaigns.get(c.id()).state()).isEqualTo(CampaignState.COMPLETED);
        assertThat(f.endpoint.stagedPaths).hasSize(20).doesNotHaveDuplicates();
    }

    @Test
    void filesWithoutATapeReplicaFailWithTheirReason() {
        CampaignFixture f = new CampaignFixture(store, new Window(100, 100_000), SETTINGS);
        f.dataset("ds", 3, 1_000);
        f.dids.add(List.of(org.stevedore.catalog.did.NewDid.file("run8", "disk-only.raw", "prod", 10, "00000001")));
        f.store.run("MATCH (d:Did {key: 'run8:ds'}), (x:Did {key: 'run8:disk-only.raw'}) CREATE (d)-[:CONTAINS]->(x)",
                java.util.Map.of());

        Campaign c = f.service.submit(campaign(List.of("run8:ds"), 8, 100_000, 5));

        Campaign done = f.campaigns.get(c.id());
        assertThat(done.state()).isEqualTo(CampaignState.COMPLETED);
        assertThat(done.staged().files()).isEqualTo(3);
        assertThat(f.service.failures(c.id(), 10)).singleElement().satisfies(x -> {
            assertThat(x.name()).isEqualTo("disk-only.raw");
            assertThat(x.reason()).contains("no AVAILABLE replica on a TAPE RSE");
        });
    }

    @Test
    void aPausedCampaignStopsAskingAndResumesWhereItStopped() {
        CampaignFixture f = new CampaignFixture(store, new Window(100, 100_000), SETTINGS);
        f.dataset("ds", 24, 1_000);
        String[] id = new String[1];
        f.endpoint.actAfter = 2;
        f.endpoint.action = () -> f.service.pause(id[0]);
        f.endpoint.failAfter = -1;
        Campaign c = f.campaigns.create(campaign(List.of("run8:ds"), 8, 100_000, 5));
        id[0] = c.id();

        JobExecution first = f.jobs.launch(c.id());

        assertThat(first.getStatus()).isEqualTo(BatchStatus.STOPPED);
        assertThat(f.campaigns.get(c.id()).state()).isEqualTo(CampaignState.PAUSED);
        assertThat(f.endpoint.stageCalls).isEqualTo(2);

        f.service.resume(c.id());

        assertThat(f.campaigns.get(c.id()).state()).isEqualTo(CampaignState.COMPLETED);
        assertThat(f.endpoint.stagedPaths).hasSize(24).doesNotHaveDuplicates();
        assertThat(f.endpoint.violations).isEmpty();
    }

    @Test
    void cancellingCancelsOutstandingRecallsAndFailsWhatIsNotStaged() {
        CampaignFixture f = new CampaignFixture(store, new Window(100, 100_000), SETTINGS);
        f.dataset("ds", 24, 1_000);
        String[] id = new String[1];
        f.endpoint.actAfter = 4;
        f.endpoint.action = () -> f.service.pause(id[0]);
        Campaign c = f.campaigns.create(campaign(List.of("run8:ds"), 8, 100_000, 5));
        id[0] = c.id();
        f.jobs.launch(c.id());
        Campaign paused = f.campaigns.get(c.id());
        long staged = paused.staged().files();
        long inFlight = paused.requested().files() - staged - paused.failed().files();
        assertThat(inFlight).isPositive();

        Campaign cancelled = f.service.cancel(c.id());

        assertThat(cancelled.state()).isEqualTo(CampaignState.CANCELLED);
        assertThat(cancelled.staged().files()).isEqualTo(staged);
        assertThat(cancelled.failed().files()).isEqualTo(24 - staged);
        assertThat(f.service.failures(c.id(), 100)).allSatisfy(x -> assertThat(x.reason()).isEqualTo("campaign cancelled"));
        // The emulator no longer recalls the cancelled files: their requests report them CANCELLED.
        long cancelledAtTape = f.campaigns.files().files(c.id(), CampaignFileState.FAILED, 100).stream()
                .filter(x -> x.requestId() != null)
                .filter(x -> f.emulator.status(x.requestId()).files().stream()
                        .anyMatch(s -> s.path().equals(x.path()) && s.state() == org.stevedore.tape.endpoint.StageState.CANCELLED))
                .count();
        assertThat(cancelledAtTape).isPositive().isLessThanOrEqualTo(inFlight);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> f.service.resume(c.id()))
                .isInstanceOf(org.stevedore.catalog.error.UnsupportedOperation.class).hasMessageContaining("CANCELLED");
    }
}
