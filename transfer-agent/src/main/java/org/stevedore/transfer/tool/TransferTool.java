package org.stevedore.transfer.tool;

import java.util.List;
import java.util.Map;

/**
 * Something that moves files between storages asynchronously: jobs are submitted, then polled until terminal.
 *
 * <p>Errors: {@link TransferToolUnavailable} is transient (try the same call again later);
 * {@link TransferToolRejected}, {@link TransferJobNotFound} and {@link TransferToolCredentialsRejected} are
 * fatal for the call as made. Implementations retry transient faults themselves within a bounded budget before
 * giving up with {@link TransferToolUnavailable}.
 */
public interface TransferTool {

    /**
     * Submits the jobs. Submission is idempotent per {@link TransferJob#id()}: submitting a job again (after a
     * timeout or a crash) reports the job the tool already has instead of creating a second one. An implementation
     * may split one {@link TransferJob} into several tool jobs; every file appears in exactly one
     * {@link SubmittedJob#requestIds()}.
     *
     * <p>On a failure part way, the thrown {@link TransferToolException#alreadySubmitted()} lists the jobs that
     * went through; submitting the whole batch again is also safe.
     */
    List<SubmittedJob> submit(List<TransferJob> jobs);

    /**
     * The states of the given tool jobs, one entry per id. A job the tool no longer knows anywhere is reported
     * {@link JobState#LOST} rather than failing the whole call, or {@link JobState#INTERRUPTED} by a tool whose jobs
     * die with the service's process (the in-process tool after a restart): a crash is not an attempt.
     */
    Map<String, JobStatus> query(List<String> jobIds);

    /** Cancels the jobs; jobs already terminal or unknown are left alone. */
    void cancel(List<String> jobIds);

    /** Changes the priority of a queued job; the tool may clamp it to its own range. */
    void setPriority(String jobId, int priority);

    /**
     * The instance ({@code org.stevedore.catalog.daemon.Instance#key()}) whose process holds this tool's jobs, for a
     * tool whose jobs live in the service's memory (the in-process copier): only that instance can answer for them,
     * so the other instances' pollers leave them alone while it is alive and take them over when it has stopped.
     * Null, the default, for a tool whose jobs outlive the service (an FTS server), which any poller may ask.
     */
    default String owner() {
        return null;
    }
}
