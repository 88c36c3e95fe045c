package org.stevedore.bridge.task;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.stevedore.bridge.error.InvalidJobState;
import org.stevedore.bridge.error.JobNotFound;
import org.stevedore.bridge.error.JobNotReady;
import org.stevedore.bridge.error.TaskNotFound;
import org.stevedore.bridge.gate.ReleaseNotifier;
import org.stevedore.bridge.store.BridgeStore;
import org.stevedore.bridge.store.BridgeStore.Job;
import org.stevedore.bridge.store.BridgeStore.JobReplica;
import org.stevedore.bridge.store.BridgeStore.Task;
import org.stevedore.bridge.store.LeaseStore;
import org.stevedore.catalog.error.InvalidObject;

/**
 * The workload bridge's reads: a task, its jobs and their job feed (each call renews the task's lease), and a released
 * job with the replicas it may read. Registering is {@link TaskRegistrar}'s, ending {@link TaskEnder}'s.
 */
public final class BridgeService {

    /** A task with its jobs. */
    public record TaskWithJobs(Task task, List<Job> jobs) {
    }

    /** A page of the feed; {@code cursor} is what to pass as {@code after} next time. */
    public record Page(String taskId, List<Job> jobs, String cursor) {
    }

    /** A released job with the replicas of its inputs it may read. */
    public record ReadyJob(Job job, List<JobReplica> replicas) {
    }

    private final BridgeStore store;
    private final LeaseStore leases;
    private final ReleaseNotifier notifier;
    private final Clock clock;
    private final BridgeSettings settings;
    private final TaskCampaigns campaigns;

    public BridgeService(BridgeStore store, LeaseStore leases, ReleaseNotifier notifier, Clock clock,
                         BridgeSettings settings) {
        this(store, leases, notifier, clock, settings, null);
    }

    /** @param campaigns the tape-staging path of inputs on tape only (null: none) */
    public BridgeService(BridgeStore store, LeaseStore leases, ReleaseNotifier notifier, Clock clock,
                         BridgeSettings settings, TaskCampaigns campaigns) {
        this.campaigns = campaigns;
        this.store = store;
        this.leases = leases;
        this.notifier = notifier;
        this.clock = clock;
        this.settings = settings;
    }

    public BridgeSettings settings() {
        return settings;
    }

    // ---- reads --------------------------------------------------------------------------------------------

    /** A task; renews its lease. */
    public Task task(String taskId) {
        touch(taskId);
        return require(taskId);
    }

    /** A task without renewing its lease (permission checks). */
    public Task peek(String taskId) {
        return require(taskId);
    }

    /** A task without renewing its lease, or {@link TaskNotFound}; also the registrar's and the ender's. */
    Task require(String taskId) {
        return store.task(taskId).orElseThrow(() -> new TaskNotFound("No task with id '" + taskId + "'"));
    }

    /** A task without renewing its lease, or empty; the registrar's check for a task registered before. */
    Optional<Task> find(String taskId) {
        return store.task(taskId);
    }

    /** The progress of the task's tape campaign, when it has one. */
    public Optional<org.stevedore.tape.campaign.CampaignProgress> campaign(Task task) {
        return campaigns == null ? Optional.empty() : campaigns.progress(task.campaignId());
    }

    public TaskWithJobs withJobs(String taskId) {
        return new TaskWithJobs(require(taskId), store.jobs(taskId));
    }

    /** Renews a task's lease (and its pin rule's expiry), at most once per refresh interval; also the others'. */
    void touch(String taskId) {
        leases.refreshLease(taskId, clock.millis(), settings.leaseRefreshEvery().toMillis());
    }

    /**
     * The jobs of a task. For RELEASED (the default) it is the cursor feed: every job ever released, once, in release
     * order, after the sequence number {@code after}; when there is none yet it waits up to {@code wait} (bounded by
     * the settings) for a release. For another state, the jobs now in it by id after the job id {@code after}.
     */
    public Page jobs(String taskId, String state, String after, Duration wait, int limit) throws InterruptedException {
        int pageSize = limit <= 0 ? settings.feedLimit() : Math.min(limit, settings.feedLimit());
        String st = state == null || state.isBlank() ? BridgeStore.RELEASED : state.trim().toUpperCase(Locale.ROOT);
        if (!Set.of("HELD", "RELEASED", "DONE", "FAILED", "CANCELLED").contains(st)) {
            throw new InvalidObject("Unknown job state '" + state + "' (HELD, RELEASED, DONE, FAILED or CANCELLED)");
        }
        task(taskId);
        if (!BridgeStore.RELEASED.equals(st)) {
            List<Job> jobs = store.inState(taskId, st, after, pageSize);
            return new Page(taskId, jobs, jobs.isEmpty() ? (after == null ? "" : after) : jobs.get(jobs.size() - 1).id());
        }
        long afterSeq;
        try {
            afterSeq = after == null || after.isBlank() ? 0 : Long.parseLong(after.trim());
        } catch (NumberFormatException e) {
            throw new InvalidObject("'after' must be the cursor of a previous page (a number), not '" + after + "'");
        }
        Duration bounded = wait == null || wait.isNegative() ? Duration.ZERO
                : wait.compareTo(settings.maxWait()) > 0 ? settings.maxWait() : wait;
        long deadline = System.nanoTime() + bounded.toNanos();
        List<Job> jobs = store.released(taskId, afterSeq, pageSize);
        if (jobs.isEmpty() && !bounded.isZero() && notifier.enter()) {
            try {
                while (jobs.isEmpty()) {
                    long seen = notifier.version();
                    jobs = store.released(taskId, afterSeq, pageSize);
                    long left = deadline - System.nanoTime();
                    if (!jobs.isEmpty() || left <= 0 || !BridgeStore.ACTIVE.equals(require(taskId).state())) {
                        break;
                    }
                    // Re-check at least every second: releases by another instance do not move this notifier.
                    notifier.await(seen, Duration.ofNanos(Math.min(left, Duration.ofSeconds(1).toNanos())));
                }
            } finally {
                notifier.leave();
            }
        }
        String cursor = jobs.isEmpty() ? Long.toString(afterSeq) : Long.toString(jobs.get(jobs.size() - 1).seq());
        return new Page(taskId, jobs, cursor);
    }

    /** A released job with its input replicas; {@link JobNotReady} while it is HELD. Renews its task's lease. */
    public ReadyJob ready(String jobId) {
        Job job = job(jobId);
        touch(job.taskId());
        if (job.seq() == null) {
            if (BridgeStore.HELD.equals(job.state())) {
                throw new JobNotReady("Job '" + jobId + "' is not released yet");
            }
            throw new InvalidJobState("Job '" + jobId + "' was " + job.state().toLowerCase(Locale.ROOT)
                    + " before it was released");
        }
        return new ReadyJob(job, store.replicas(jobId));
    }

    public Job job(String jobId) {
        return store.job(jobId).orElseThrow(() -> new JobNotFound("No job with id '" + jobId + "'"));
    }
}
