package org.stevedore.testsupport.fts;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One job held by the emulator. Its state is a function of the time since submission, computed when asked, so
 * the emulator needs no background thread and a test's clock drives it; only a cancellation is stored.
 */
final class EmulatedJob {

    /** One file; {@code fails} is decided at submission so the outcome is fixed however often it is polled. */
    record File(int fileId, String source, String destination, long filesize, String checksum, String activity,
                JsonNode metadata, boolean fails) {
    }

    final String jobId;
    final Instant submitted;
    final boolean staging;
    final JsonNode jobMetadata;
    final List<File> files;
    private final Duration stagingTime;
    private final Duration queueTime;
    private final Duration transferTime;
    private int priority;
    private Instant canceledAt;
    private boolean archived;

    EmulatedJob(String jobId, Instant submitted, boolean staging, int priority, JsonNode jobMetadata,
                List<File> files, Fts3EmulatorSettings settings) {
        this.jobId = jobId;
        this.submitted = submitted;
        this.staging = staging;
        this.priority = priority;
        this.jobMetadata = jobMetadata;
        this.files = List.copyOf(files);
        this.stagingTime = staging ? settings.stagingTime() : Duration.ZERO;
        this.queueTime = settings.queueTime();
        this.transferTime = settings.transferTime();
    }

    private Instant stagingEnds() {
        return submitted.plus(stagingTime);
    }

    private Instant activeStarts() {
        return stagingEnds().plus(queueTime);
    }

    private Instant transferEnds() {
        return activeStarts().plus(transferTime);
    }

    /** When the job became terminal, or null while it runs. */
    synchronized Instant finishedAt(Instant now) {
        if (canceledAt != null && canceledAt.isBefore(transferEnds())) {
            return canceledAt;
        }
        return now.isBefore(transferEnds()) ? null : transferEnds();
    }

    synchronized String fileState(File file, Instant now) {
        if (canceledAt != null && canceledAt.isBefore(transferEnds())) {
            return "CANCELED";
        }
        if (now.isBefore(stagingEnds())) {
            return "STAGING";
        }
        if (now.isBefore(activeStarts())) {
            return "SUBMITTED";
        }
        if (now.isBefore(transferEnds())) {
            return "ACTIVE";
        }
        return file.fails() ? "FAILED" : "FINISHED";
    }

    synchronized String jobState(Instant now) {
        if (canceledAt != null && canceledAt.isBefore(transferEnds())) {
            return "CANCELED";
        }
        if (now.isBefore(stagingEnds())) {
            return "STAGING";
        }
        if (now.isBefore(activeStarts())) {
            return "SUBMITTED";
        }
        if (now.isBefore(transferEnds())) {
            return "ACTIVE";
        }
        long failed = files.stream().filter(File::fails).count();
        return failed == 0 ? "FINISHED" : failed == files.size() ? "FAILED" : "FINISHEDDIRTY";
    }

    synchronized Instant stagingFinished() {
        return staging ? stagingEnds() : null;
    }

    Instant activeSince() {
        return activeStarts();
    }

    /** True when the job was running and is now canceled; false when it was already terminal. */
    synchronized boolean cancel(Instant now) {
        if (finishedAt(now) != null) {
            return false;
        }
        canceledAt = now;
        return true;
    }

    synchronized int priority() {
        return priority;
    }

    synchronized void priority(int newPriority) {
        priority = newPriority;
    }

    synchronized boolean archived(Instant now, Duration archiveAfter) {
        if (archived) {
            return true;
        }
        Instant finished = finishedAt(now);
        return finished != null && !now.isBefore(finished.plus(archiveAfter));
    }

    synchronized void archive() {
        archived = true;
    }
}
