package org.stevedore.bridge.task;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.stevedore.bridge.error.JobBlocked;
import org.stevedore.bridge.error.JobGone;
import org.stevedore.bridge.error.JobNotFound;
import org.stevedore.bridge.error.JobNotReady;
import org.stevedore.bridge.error.TaskNotFound;
import org.stevedore.bridge.gate.ReleaseNotifier;
import org.stevedore.bridge.store.BlockingStore;
import org.stevedore.bridge.store.BlockingStore.Blocker;
import org.stevedore.bridge.store.BlockingStore.Holding;
import org.stevedore.bridge.store.BridgeStore;
import org.stevedore.bridge.store.BridgeStore.Job;
import org.stevedore.bridge.store.BridgeStore.JobReplica;
import org.stevedore.bridge.store.BridgeStore.Task;
import org.stevedore.bridge.store.LeaseStore;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.tape.campaign.CampaignProgress;

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

    /** Job states and task states in which a job is not to be run. */
    private static final Set<String> GONE_JOB_STATES = Set.of("CANCELLED", "FAILED");
    private static final Set<String> GONE_TASK_STATES = Set.of("CANCELLED", "EXPIRED");
    private static final List<String> TASK_STATES = List.of("ACTIVE", "FINISHED", "CANCELLED", "EXPIRED");
    private static final List<String> REASONS = List.of("LOST", "MISSING", "STUCK", "TRANSFER", "CAMPAIGN", "WAITING");
    /** Jobs named per blocking file in the task's view (their count is always given). */
    private static final int JOBS_PER_FILE = 20;

    private final BridgeStore store;
    private final BlockingStore blocking;
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
        this.blocking = new BlockingStore(store.store());
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
    public Optional<CampaignProgress> campaign(Task task) {
        return campaigns == null ? Optional.empty() : campaigns.progress(task.campaignId());
    }

    /** Tasks by id after {@code after}; {@code account} and {@code state} filter when given. Renews no lease. */
    public List<Task> tasks(String account, String state, String after, int limit) {
        String st = state == null || state.isBlank() ? null : state.trim().toUpperCase(Locale.ROOT);
        if (st != null && !TASK_STATES.contains(st)) {
            throw new InvalidObject("Unknown task state '" + state + "' (" + String.join(", ", TASK_STATES) + ")");
        }
        int pageSize = limit <= 0 ? settings.feedLimit() : Math.min(limit, settings.feedLimit());
        return store.tasks(account == null || account.isBlank() ? null : account.trim(), st, after, pageSize);
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

    /**
     * A released job with its input replicas. Renews its task's lease. Otherwise: {@link JobGone} for a job cancelled
     * or failed or of a task cancelled or expired (running it would read files nobody keeps); {@link JobNotReady}
     * while it is held with its inputs on their way, {@link JobBlocked} when one will not come without someone acting,
     * both with what holds it.
     */
    public ReadyJob ready(String jobId) {
        Job job = job(jobId);
        touch(job.taskId());
        Task task = require(job.taskId());
        if (GONE_JOB_STATES.contains(job.state()) || GONE_TASK_STATES.contains(task.state())) {
            throw new JobGone("Job '" + jobId + "' is " + lower(job.state()) + " and its task " + lower(task.state())
                    + ": it is not to be run", job.state(), task.state());
        }
        if (job.seq() == null) {
            Holding holding = holding(job);
            if (holding.blocked()) {
                throw new JobBlocked("Job '" + jobId + "' is held and will not be released without action: "
                        + summary(holding), job.state(), task.state(), holding);
            }
            throw new JobNotReady("Job '" + jobId + "' is not released yet: " + summary(holding), job.state(),
                    task.state(), holding);
        }
        return new ReadyJob(job, store.replicas(jobId));
    }

    /** The inputs that hold a HELD job and why (none for a job in another state), with campaign ETAs. */
    public Holding holding(Job job) {
        if (!BridgeStore.HELD.equals(job.state())) {
            return new Holding(List.of(), Map.of());
        }
        List<Blocker> blockers = blocking.ofJob(job.id());
        return new Holding(blockers, etas(blockers));
    }

    /** One sentence on what holds a job: e.g. "1 STUCK, 2 TRANSFER (s:f1: stuck: checksum mismatch)". */
    static String summary(Holding holding) {
        List<Blocker> blockers = holding.inputs();
        if (blockers.isEmpty()) {
            return "every input is on disk; its release is on its way";
        }
        Blocker first = blockers.stream().filter(b -> BlockingStore.BLOCKED.contains(b.reason())).findFirst()
                .orElse(blockers.get(0));
        Map<String, Long> counts = new LinkedHashMap<>();
        blockers.forEach(b -> counts.merge(b.reason(), 1L, Long::sum));
        StringBuilder s = new StringBuilder();
        counts.forEach((reason, n) -> s.append(s.isEmpty() ? "" : ", ").append(n).append(' ').append(reason));
        return s + " (" + first.file() + ": " + describe(first) + ")";
    }

    private static String describe(Blocker b) {
        return switch (b.reason()) {
            case "LOST" -> "declared lost";
            case "MISSING" -> "no replica anywhere";
            case "STUCK" -> "stuck: " + (b.error() == null ? "no reason given" : b.error());
            case "TRANSFER" -> "transfer " + (b.request() == null ? "queued"
                    : lower(b.request().state()) + ", attempts " + b.request().attempts());
            case "CAMPAIGN" -> "staging from tape";
            default -> "waiting for its rule";
        };
    }

    private static String lower(String state) {
        return state.toLowerCase(Locale.ROOT);
    }

    /**
     * What holds the HELD jobs of a task, grouped by reason (see {@link BlockingStore#ofTask}); {@code reason} and
     * {@code after} page through one reason's files. Renews the task's lease.
     */
    public List<BlockingStore.Group> blocking(String taskId, String reason, String after, int limit) {
        String r = reason == null || reason.isBlank() ? null : reason.trim().toUpperCase(Locale.ROOT);
        if (r != null && !REASONS.contains(r)) {
            throw new InvalidObject("Unknown reason '" + reason + "' (one of " + String.join(", ", REASONS) + ")");
        }
        if (after != null && !after.isBlank() && r == null) {
            throw new InvalidObject("'after' pages through one reason's files: give 'reason' too");
        }
        int pageSize = limit <= 0 ? settings.feedLimit() : Math.min(limit, settings.feedLimit());
        task(taskId);
        return blocking.ofTask(taskId, r, after, pageSize, JOBS_PER_FILE);
    }

    /** The ETA of each campaign staging some of the files, when it has one. */
    private Map<String, Duration> etas(List<Blocker> blockers) {
        Map<String, Duration> etas = new LinkedHashMap<>();
        blockers.stream().filter(b -> b.campaign() != null && b.campaign().campaignId() != null)
                .map(b -> b.campaign().campaignId()).distinct().forEach(id -> {
                    if (campaigns != null) {
                        campaigns.progress(id).map(CampaignProgress::eta).ifPresent(eta -> etas.put(id, eta));
                    }
                });
        return etas;
    }

    public Job job(String jobId) {
        return store.job(jobId).orElseThrow(() -> new JobNotFound("No job with id '" + jobId + "'"));
    }
}
