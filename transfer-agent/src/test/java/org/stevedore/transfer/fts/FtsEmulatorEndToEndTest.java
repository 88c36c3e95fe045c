package org.stevedore.transfer.fts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.daemon.Backoff;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.testsupport.RecordingSleeper;
import org.stevedore.testsupport.fts.Fts3Emulator;
import org.stevedore.testsupport.fts.Fts3EmulatorSettings;
import org.stevedore.transfer.tool.FileState;
import org.stevedore.transfer.tool.FileStatus;
import org.stevedore.transfer.tool.JobState;
import org.stevedore.transfer.tool.JobStatus;
import org.stevedore.transfer.tool.SubmittedJob;
import org.stevedore.transfer.tool.TapeStaging;
import org.stevedore.transfer.tool.TransferFile;
import org.stevedore.transfer.tool.TransferJob;
import org.stevedore.transfer.tool.TransferToolRejected;

/** The real client against the FTS3 emulator: whole job lives, driven by a hand-moved clock. */
class FtsEmulatorEndToEndTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T12:00:00Z"));
    private final RecordingSleeper sleeper = new RecordingSleeper();
    private Fts3Emulator fts;

    @AfterEach
    void stop() {
        if (fts != null) {
            fts.close();
        }
    }

    private Fts3Client client(Fts3Auth auth, int filesPerJob) {
        Fts3Config config = Fts3Config.defaults(fts.endpoint()).withMaxFilesPerJob(filesPerJob)
                .withRetry(3, new Backoff(Duration.ofMillis(10), Duration.ofMillis(100)));
        return new Fts3Client(config, new OkHttpClient.Builder().retryOnConnectionFailure(false).build(), auth,
                clock, sleeper);
    }

    private Fts3Client tokenClient() {
        return client(new Fts3Auth.BearerToken("emulated-token"), 200);
    }

    private static TransferJob job(String id, int files, String destinationPrefix) {
        return TransferJob.fromDisk(id, "A_DISK", "B_DISK", IntStream.range(0, files)
                .mapToObj(i -> new TransferFile(id + "-r" + i, List.of("davs://a.example.org/f" + i),
                        "davs://b.example.org/" + destinationPrefix + i, 10, "00000001", "Production", 3))
                .toList());
    }

    private static Map<String, String> fileStates(JobStatus status) {
        return status.files().stream().collect(java.util.stream.Collectors.toMap(FileStatus::requestId,
                f -> f.state().name()));
    }

    @Test
    void jobMovesFromSubmittedThroughActiveToFinished() {
        fts = Fts3Emulator.start(Fts3EmulatorSettings.instant()
                .withTimes(Duration.ZERO, Duration.ofSeconds(10), Duration.ofSeconds(30)), clock);
        Fts3Client client = tokenClient();

        String jobId = client.submit(List.of(job("tj-life", 3, "ok"))).get(0).jobId();
        assertThat(client.query(List.of(jobId)).get(jobId).state()).isEqualTo(JobState.SUBMITTED);
        clock.advance(Duration.ofSeconds(15));
        JobStatus active = client.query(List.of(jobId)).get(jobId);
        assertThat(active.state()).isEqualTo(JobState.ACTIVE);
        assertThat(active.files()).extracting(FileStatus::state).containsOnly(FileState.ACTIVE);
        clock.advance(Duration.ofSeconds(30));
        JobStatus done = client.query(List.of(jobId)).get(jobId);

        assertThat(done.state()).isEqualTo(JobState.FINISHED);
        assertThat(fileStates(done)).containsOnlyKeys("tj-life-r0", "tj-life-r1", "tj-life-r2")
                .containsValues("FINISHED");
    }

    @Test
    void injectedFailuresMakeFilesFailAndTheJobFinishDirty() {
        fts = Fts3Emulator.start(Fts3EmulatorSettings.instant()
                .withFailures(0.0, destination -> destination.endsWith("/bad1")), clock);
        Fts3Client client = tokenClient();

        String dirty = client.submit(List.of(job("tj-mixed", 3, "bad"))).get(0).jobId();
        TransferJob allBad = TransferJob.fromDisk("tj-allbad", "A_DISK", "B_DISK", List.of(new TransferFile("x",
                List.of("davs://a.example.org/x"), "davs://b.example.org/bad1", 1, null, "Production", 1)));
        String failed = client.submit(List.of(allBad)).get(0).jobId();
        Map<String, JobStatus> statuses = client.query(List.of(dirty, failed));

        assertThat(statuses.get(dirty).state()).isEqualTo(JobState.FINISHEDDIRTY);
        assertThat(fileStates(statuses.get(dirty))).containsEntry("tj-mixed-r1", "FAILED")
                .containsEntry("tj-mixed-r0", "FINISHED").containsEntry("tj-mixed-r2", "FINISHED");
        assertThat(statuses.get(dirty).files().get(1).reason()).contains("emulated failure");
        assertThat(statuses.get(failed).state()).isEqualTo(JobState.FAILED);
    }

    @Test
    void failureRateIsAppliedPerFile() {
        fts = Fts3Emulator.start(Fts3EmulatorSettings.instant().withFailures(0.5, d -> false), clock);
        Fts3Client client = tokenClient();

        String jobId = client.submit(List.of(job("tj-rate", 200, "f"))).get(0).jobId();
        long failedFiles = client.query(List.of(jobId)).get(jobId).files().stream()
                .filter(f -> f.state() == FileState.FAILED).count();

        assertThat(failedFiles).isBetween(60L, 140L);
    }

    @Test
    void tapeJobStagesFirst() {
        fts = Fts3Emulator.start(Fts3EmulatorSettings.instant()
                .withTimes(Duration.ofMinutes(30), Duration.ZERO, Duration.ofMinutes(1)), clock);
        Fts3Client client = tokenClient();
        TransferJob disk = job("tj-tape", 2, "t");
        TransferJob tape = TransferJob.fromTape(disk.id(), "A_TAPE", "B_DISK", disk.files(),
                new TapeStaging(Duration.ofDays(7), Duration.ofHours(1)));

        String jobId = client.submit(List.of(tape)).get(0).jobId();
        JobStatus staging = client.query(List.of(jobId)).get(jobId);
        clock.advance(Duration.ofMinutes(30));
        JobStatus active = client.query(List.of(jobId)).get(jobId);
        clock.advance(Duration.ofMinutes(1));

        assertThat(staging.state()).isEqualTo(JobState.STAGING);
        assertThat(staging.files()).extracting(FileStatus::state).containsOnly(FileState.STAGING);
        assertThat(active.state()).isEqualTo(JobState.ACTIVE);
        assertThat(client.query(List.of(jobId)).get(jobId).state()).isEqualTo(JobState.FINISHED);
    }

    @Test
    void resubmittingTheSameTransferJobGivesTheSameFtsJobsAndNoDuplicates() {
        fts = Fts3Emulator.start(Fts3EmulatorSettings.instant(), clock);
        Fts3Client client = client(new Fts3Auth.BearerToken("t"), 2);

        List<SubmittedJob> first = client.submit(List.of(job("tj-again", 5, "f")));
        List<SubmittedJob> second = client.submit(List.of(job("tj-again", 5, "f")));

        assertThat(first).hasSize(3);
        assertThat(second).isEqualTo(first);
        assertThat(fts.jobCount()).isEqualTo(3);
    }

    @Test
    void bulkPollingFindsArchivedJobsAndCallsForgottenOnesLostInOneStatusRequest() {
        fts = Fts3Emulator.start(Fts3EmulatorSettings.instant().withArchiveAfter(Duration.ofDays(7)), clock);
        Fts3Client client = tokenClient();
        String live = client.submit(List.of(job("tj-live", 1, "l"))).get(0).jobId();
        String old = client.submit(List.of(job("tj-old", 1, "o"))).get(0).jobId();
        String gone = client.submit(List.of(job("tj-gone", 1, "g"))).get(0).jobId();
        fts.archive(old);
        fts.forget(gone);
        long before = fts.requestCount();

        Map<String, JobStatus> statuses = client.query(List.of(live, old, gone));

        assertThat(statuses.get(live).state()).isEqualTo(JobState.FINISHED);
        assertThat(statuses.get(old).state()).isEqualTo(JobState.FINISHED);
        assertThat(fileStates(statuses.get(old))).containsEntry("tj-old-r0", "FINISHED");
        assertThat(statuses.get(gone).state()).isEqualTo(JobState.LOST);
        // one bulk GET, then one /archive look-up per missing job
        assertThat(fts.requestCount() - before).isEqualTo(3);
    }

    @Test
    void finishedJobsMoveToTheArchiveAfterAWeek() {
        fts = Fts3Emulator.start(Fts3EmulatorSettings.instant(), clock);
        Fts3Client client = tokenClient();
        String jobId = client.submit(List.of(job("tj-week", 1, "w"))).get(0).jobId();
        clock.advance(Duration.ofDays(8));

        assertThat(client.query(List.of(jobId)).get(jobId).state()).isEqualTo(JobState.FINISHED);
    }

    @Test
    void cancelStopsARunningJobAndLeavesAFinishedOneAlone() {
        fts = Fts3Emulator.start(Fts3EmulatorSettings.instant()
                .withTimes(Duration.ZERO, Duration.ZERO, Duration.ofHours(1)), clock);
        Fts3Client client = tokenClient();
        String running = client.submit(List.of(job("tj-run", 1, "r"))).get(0).jobId();
        clock.advance(Duration.ofHours(2));
        String fresh = client.submit(List.of(job("tj-fresh", 1, "n"))).get(0).jobId();

        client.cancel(List.of(running, fresh, "no-such-job"));
        Map<String, JobStatus> statuses = client.query(List.of(running, fresh));

        assertThat(statuses.get(running).state()).isEqualTo(JobState.FINISHED);
        assertThat(statuses.get(fresh).state()).isEqualTo(JobState.CANCELED);
    }

    @Test
    void x509ClientDelegatesBeforeItsFirstSubmissionAndAgainAfterTheProxyExpired() {
        // The test PKI is valid around the real now, not around the other tests' fixed date.
        MutableClock now = new MutableClock(Instant.now());
        fts = Fts3Emulator.start(Fts3EmulatorSettings.instant().withDelegationRequired(true), now);
        X509Credential me = new FtsTestPki().user("stevedore", Duration.ofDays(3));
        Fts3Config config = Fts3Config.defaults(fts.endpoint());
        Fts3Client client = new Fts3Client(config, new OkHttpClient(), new Fts3Auth.X509(me), now, sleeper);

        String first = client.submit(List.of(job("tj-x1", 1, "x"))).get(0).jobId();
        fts.expireDelegation();
        String second = client.submit(List.of(job("tj-x2", 1, "y"))).get(0).jobId();

        assertThat(client.query(List.of(first, second)).values()).extracting(JobStatus::state)
                .containsOnly(JobState.FINISHED);
    }

    @Test
    void transientUnavailabilityIsRiddenOut() {
        fts = Fts3Emulator.start(Fts3EmulatorSettings.instant(), clock);
        Fts3Client client = tokenClient();
        client.whoami();
        fts.answerUnavailable(2);

        List<SubmittedJob> submitted = client.submit(List.of(job("tj-503", 1, "u")));

        assertThat(submitted).hasSize(1);
        assertThat(sleeper.waits).hasSize(2);
    }

    @Test
    void localFileUrlsAreRejectedAsFtsDoes() {
        fts = Fts3Emulator.start(Fts3EmulatorSettings.instant(), clock);
        TransferJob local = TransferJob.fromDisk("tj-file", "A", "B", List.of(new TransferFile("r",
                List.of("file:///tmp/x"), "davs://b.example.org/x", 1, null, "Production", 1)));

        assertThatThrownBy(() -> tokenClient().submit(List.of(local)))
                .isInstanceOfSatisfying(TransferToolRejected.class, e -> assertThat(e.status()).isEqualTo(400));
    }
}
