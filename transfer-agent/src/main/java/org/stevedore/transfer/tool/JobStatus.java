package org.stevedore.transfer.tool;

import java.util.List;
import java.util.Objects;

/**
 * A polled job.
 *
 * @param jobId  the tool's job id
 * @param state  the job's state
 * @param reason the tool's explanation for the job as a whole, or empty
 * @param files  its files; empty when the tool did not report them (e.g. for a lost job)
 */
public record JobStatus(String jobId, JobState state, String reason, List<FileStatus> files) {

    public JobStatus {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(state, "state");
        reason = reason == null ? "" : reason;
        files = List.copyOf(files);
    }

    public static JobStatus lost(String jobId) {
        return new JobStatus(jobId, JobState.LOST, "the transfer tool no longer knows this job", List.of());
    }

    /** A job that died with the tool's process: see {@link JobState#INTERRUPTED}. */
    public static JobStatus interrupted(String jobId) {
        return new JobStatus(jobId, JobState.INTERRUPTED,
                "the transfer tool's process restarted while the job ran", List.of());
    }
}
