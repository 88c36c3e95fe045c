package org.stevedore.bridge.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.neo4j.driver.exceptions.ClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.bridge.error.InvalidJobState;
import org.stevedore.bridge.error.JobNotFound;
import org.stevedore.bridge.error.JobNotReady;
import org.stevedore.bridge.error.TaskNotFound;
import org.stevedore.bridge.gate.ReleaseGate;
import org.stevedore.bridge.gate.ReleaseNotifier;
import org.stevedore.bridge.output.OutputRegistrar;
import org.stevedore.bridge.pin.TaskPins;
import org.stevedore.bridge.store.BridgeStore.Job;
import org.stevedore.bridge.store.BridgeStore.JobReplica;
import org.stevedore.bridge.store.BridgeStore.NewJob;
import org.stevedore.bridge.store.BridgeStore.NewTask;
import org.stevedore.bridge.store.BridgeStore.Task;
import org.stevedore.bridge.store.BridgeStore;
import org.stevedore.bridge.store.JobOutputs;
import org.stevedore.catalog.account.AccountStore;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.error.DataIdentifierNotFound;
import org.stevedore.catalog.error.Duplicate;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.naming.Names;
import org.stevedore.catalog.scope.ScopeStore;
import org.stevedore.catalog.store.Constraints;
import org.stevedore.rules.error.InvalidRSEExpression;

/**
 * The workload bridge's operations: registering a task (validated all or nothing, then its jobs HELD, its pin rule
 * created, and jobs whose inputs are on disk already released), reading tasks and their job feed (each call renews
 * the task's lease), the job end report, cancelling, and lease expiry.
 */
public final class BridgeService {

    private static final Logger log = LoggerFactory.getLogger(BridgeService.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ID = 255;

    /** A task with its jobs. */
    public record TaskWithJobs(Task task, List<Job> jobs) {
    }

    /** A page of the feed; {@code cursor} is what to pass as {@code after} next time. */
    public record Page(String taskId, List<Job> jobs, String cursor) {
    }

    /** Output files a job reports with its end, for {@code scope:dataset} (closed when the task ends). */
    public record JobOutput(String scope, String dataset, List<JobOutputs.Output> files) {
    }

    /** A registration's answer: the task, and whether this call created it (false: it was registered before). */
    public record Registered(TaskWithJobs task, boolean created) {
    }

    /** A released job with the replicas of its inputs it may read. */
    public record ReadyJob(Job job, List<JobReplica> replicas) {
    }

    /** Job end states, as the workflow system reports them. */
    public enum EndState { DONE, FAILED, CANCELLED;

        public static EndState parse(String value) {
            if (value != null) {
                try {
                    return valueOf(value.trim().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException ignored) {
                    // reported below
                }
            }
            throw new InvalidObject("Job end 'state' must be done, failed or cancelled, not '" + value + "'");
        }
    }

    private final BridgeStore store;
    private final ScopeStore scopes;
    private final AccountStore accounts;
    private final TaskPins pins;
    private final OutputRegistrar outputs;
    private final ReleaseGate gate;
    private final ReleaseNotifier notifier;
    private final Function<String, List<String>> diskRses;
    private final Clock clock;
    private final BridgeSettings settings;
    private final TaskCampaigns campaigns;

    /** Every input through the task's pin rule, tape inputs included (FTS {@code bring_online}). */
    public BridgeService(BridgeStore store, ScopeStore scopes, AccountStore accounts, TaskPins pins,
                         OutputRegistrar outputs, ReleaseGate gate, ReleaseNotifier notifier,
                         Function<String, List<String>> diskRses, Clock clock, BridgeSettings settings) {
        this(store, scopes, accounts, pins, outputs, gate, notifier, diskRses, clock, settings, null);
    }

    /**
     * @param diskRses  resolves an RSE expression to the ids of the disk RSEs it selects
     * @param campaigns the tape-staging path of inputs on tape only (null: none, they go through the pin rule)
     */
    public BridgeService(BridgeStore store, ScopeStore scopes, AccountStore accounts, TaskPins pins,
                         OutputRegistrar outputs, ReleaseGate gate, ReleaseNotifier notifier,
                         Function<String, List<String>> diskRses, Clock clock, BridgeSettings settings,
                         TaskCampaigns campaigns) {
        this.campaigns = campaigns;
        this.store = store;
        this.scopes = scopes;
        this.accounts = accounts;
        this.pins = pins;
        this.outputs = outputs;
        this.gate = gate;
        this.notifier = notifier;
        this.diskRses = diskRses;
        this.clock = clock;
        this.settings = settings;
    }

    public BridgeSettings settings() {
        return settings;
    }

    // ---- registration -------------------------------------------------------------------------------------

    /**
     * Registers a task for {@code account}. The same task id registered again with the same definition answers the
     * task as it is (idempotent); with another definition it is refused.
     */
    public Registered register(TaskRegistration request, String account) {
        if (request == null) {
            throw new InvalidObject("A task needs a body: {\"taskId\", \"inputs\", \"rseExpression\", \"jobs\" or \"split\"}");
        }
        String taskId = id("taskId", request.taskId());
        String fingerprint = fingerprint(request);
        Optional<TaskWithJobs> existing = existing(taskId, fingerprint);
        if (existing.isPresent()) {
            return new Registered(existing.get(), false);
        }
        accounts.get(account);
        List<String> inputs = inputs(request.inputs());
        long pinSeconds = PinLifetime.seconds(request.pinLifetime(), settings.defaultPinLifetime());
        int priority = request.priority() == null ? 3 : request.priority();
        if (priority < 0 || priority > 5) {
            throw new InvalidObject("'priority' must be from 0 to 5, not " + priority);
        }
        String expression = request.rseExpression();
        if (expression == null || expression.isBlank()) {
            throw new InvalidRSEExpression("A task needs an 'rseExpression' selecting the disk RSEs its jobs read from");
        }
        List<String> rseIds = diskRses.apply(expression);
        if (rseIds.isEmpty()) {
            throw new InvalidRSEExpression("RSE expression '" + expression + "' selects no disk RSE");
        }
        String webhookUrl = webhookUrl(request.webhook());
        List<String> files = files(inputs);
        List<NewJob> jobs = jobs(taskId, request, files);
        DidRef dataset = new DidRef(settings.scope(), datasetName(taskId));
        ensureScope();
        // Inputs on tape only, behind a tape endpoint, join the task's dataset once their campaign has staged them.
        Set<String> staged = campaigns == null ? Set.of() : campaigns.stageable(files, store.tapeOnly(files));
        NewTask task = new NewTask(taskId, account, fingerprint, expression, rseIds, pinSeconds, priority, dataset,
                webhookUrl, webhookUrl == null || request.webhook().secret() == null || request.webhook().secret().isEmpty()
                        ? null : request.webhook().secret(), jobs, files, staged);
        try {
            store.insert(task, clock.millis());
        } catch (ClientException e) {
            if (Constraints.isUniquenessViolation(e)) {
                // Registered concurrently by another call: answer as a repeat does.
                return new Registered(existing(taskId, fingerprint).orElseThrow(() -> e), false);
            }
            throw e;
        } catch (Duplicate e) {
            // Its job ids are taken: by this very task when a concurrent call registered it first.
            Optional<TaskWithJobs> raced = existing(taskId, fingerprint);
            if (raced.isPresent()) {
                return new Registered(raced.get(), false);
            }
            throw e;
        }
        String ruleId;
        try {
            ruleId = pins.pin(taskId, dataset, account, expression, pinSeconds, priority);
        } catch (RuntimeException e) {
            store.remove(taskId);
            throw e;
        }
        store.setRule(taskId, ruleId);
        if (!staged.isEmpty()) {
            String campaignId;
            try {
                campaignId = campaigns.start(taskId, account, List.copyOf(staged), expression, pinSeconds, priority,
                        dataset, ruleId);
            } catch (RuntimeException e) {
                pins.unpin(taskId, ruleId);
                store.remove(taskId);
                throw e;
            }
            if (!store.setCampaignIfNone(taskId, campaignId, clock.millis())) {
                // A retried registration mended this one meanwhile (see resumeStaging): one campaign is enough.
                campaigns.cancel(taskId, campaignId);
            }
        }
        log.info("Task {} registered by {}: {} input file(s) ({} through a tape campaign), {} job(s), pin rule {} on '{}'"
                + " for {} s", taskId, account, files.size(), staged.size(), jobs.size(), ruleId, expression, pinSeconds);
        gate.checkTask(taskId);
        return new Registered(withJobs(taskId), true);
    }

    private Optional<TaskWithJobs> existing(String taskId, String fingerprint) {
        Optional<Task> found = store.task(taskId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        if (!fingerprint.equals(found.get().fingerprint())) {
            throw new Duplicate("Task '" + taskId + "' is already registered with another definition");
        }
        touch(taskId);
        resumeStaging(found.get());
        return Optional.of(withJobs(taskId));
    }

    /**
     * Finishes a registration a crash cut short between writing the task and recording its campaign: inputs on tape
     * only that still wait to join the task's dataset, and no campaign to bring them. Workflow systems retry a
     * registration that got no answer, so the retry is where this is mended.
     */
    private void resumeStaging(Task task) {
        if (campaigns == null || task.campaignId() != null || task.ruleId() == null || !"ACTIVE".equals(task.state())) {
            return;
        }
        List<String> waiting = store.waitingToJoin(task.id());
        if (waiting.isEmpty()) {
            return;
        }
        Set<String> stageable = campaigns.stageable(waiting, store.tapeOnly(waiting));
        if (stageable.isEmpty()) {
            log.warn("Task {}: {} input file(s) wait to join its dataset, but none can be staged by a tape endpoint now",
                    task.id(), waiting.size());
            return;
        }
        DidRef dataset = DidRef.fromKey(task.datasetKey());
        String campaignId = campaigns.start(task.id(), task.account(), List.copyOf(stageable), task.rseExpression(),
                task.pinLifetimeSeconds(), task.priority(), dataset, task.ruleId());
        if (store.setCampaignIfNone(task.id(), campaignId, clock.millis())) {
            log.info("Task {}: its registration had not recorded a campaign; campaign {} now brings back {} file(s)",
                    task.id(), campaignId, stageable.size());
        } else {
            campaigns.cancel(task.id(), campaignId);
        }
    }


    private static String id(String what, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidObject("'" + what + "' must not be empty");
        }
        if (value.length() > MAX_ID) {
            throw new InvalidObject("'" + what + "' is " + value.length() + " characters long, at most " + MAX_ID
                    + " are allowed");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c == 0x7f || c == '/') {
                throw new InvalidObject("'" + what + "' '" + value + "' has a character not allowed at position "
                        + (i + 1) + " (no spaces, control characters or '/')");
            }
        }
        return value;
    }

    private static List<String> inputs(List<String> inputs) {
        if (inputs == null || inputs.isEmpty()) {
            throw new InvalidObject("A task needs 'inputs': [\"scope:name\", ...]");
        }
        Set<String> keys = new LinkedHashSet<>();
        for (String input : inputs) {
            keys.add(key("inputs", input));
        }
        return List.copyOf(keys);
    }

    private static String key(String where, String value) {
        if (value == null) {
            throw new InvalidObject("A DID in '" + where + "' is null");
        }
        int colon = value.indexOf(':');
        if (colon <= 0) {
            throw new InvalidObject("'" + value + "' in '" + where + "' is not a DID (expected \"scope:name\")");
        }
        Names.did(value.substring(0, colon), value.substring(colon + 1));
        return value;
    }

    /** The input files, in input order (a collection's files by name); refuses inputs that do not exist. */
    private List<String> files(List<String> inputs) {
        Map<String, List<String>> expanded = store.expand(inputs);
        Set<String> files = new LinkedHashSet<>();
        for (String input : inputs) {
            List<String> under = expanded.get(input);
            if (under == null) {
                throw new DataIdentifierNotFound("Input '" + input + "' of the task does not exist");
            }
            under.stream().sorted().forEach(files::add);
        }
        if (files.isEmpty()) {
            throw new InvalidObject("The task's inputs hold no files");
        }
        return List.copyOf(files);
    }

    private List<NewJob> jobs(String taskId, TaskRegistration request, List<String> files) {
        boolean listed = request.jobs() != null;
        boolean split = request.split() != null;
        if (listed == split) {
            throw new InvalidObject("A task needs either 'jobs' (a list) or 'split' ({\"filesPerJob\": N}), not "
                    + (listed ? "both" : "neither"));
        }
        List<NewJob> jobs = new ArrayList<>();
        if (split) {
            Integer n = request.split().filesPerJob();
            if (n == null || n < 1) {
                throw new InvalidObject("'split.filesPerJob' must be at least 1, not " + n);
            }
            for (int from = 0, i = 1; from < files.size(); from += n, i++) {
                jobs.add(new NewJob(taskId + "-" + i, files.subList(from, Math.min(files.size(), from + n))));
            }
        } else {
            if (request.jobs().isEmpty()) {
                throw new InvalidObject("'jobs' is empty");
            }
            Set<String> inputFiles = new HashSet<>(files);
            Set<String> ids = new HashSet<>();
            for (TaskRegistration.JobSpec spec : request.jobs()) {
                if (spec == null) {
                    throw new InvalidObject("A job in 'jobs' is null");
                }
                String jobId = id("jobId", spec.jobId());
                if (!ids.add(jobId)) {
                    throw new InvalidObject("Job id '" + jobId + "' appears twice in 'jobs'");
                }
                if (spec.files() == null || spec.files().isEmpty()) {
                    throw new InvalidObject("Job '" + jobId + "' has no 'files'");
                }
                Set<String> own = new LinkedHashSet<>();
                for (String f : spec.files()) {
                    String k = key("jobs", f);
                    if (!inputFiles.contains(k)) {
                        throw new InvalidObject("File '" + k + "' of job '" + jobId + "' is not among the task's input files");
                    }
                    own.add(k);
                }
                jobs.add(new NewJob(jobId, List.copyOf(own)));
            }
        }
        if (jobs.size() > settings.maxJobsPerTask()) {
            throw new InvalidObject("The task has " + jobs.size() + " jobs; at most " + settings.maxJobsPerTask()
                    + " are allowed");
        }
        return jobs;
    }

    private static String webhookUrl(TaskRegistration.Webhook webhook) {
        if (webhook == null) {
            return null;
        }
        String url = webhook.url();
        try {
            URI uri = URI.create(url == null ? "" : url.trim());
            if (!("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
            return uri.toString();
        } catch (IllegalArgumentException e) {
            throw new InvalidObject("'webhook.url' must be an absolute http or https URL, not '" + url + "'");
        }
    }

    /** The task's own dataset: readable, unique per task id, within the name rules whatever the task id holds. */
    static String datasetName(String taskId) {
        StringBuilder b = new StringBuilder("task.");
        for (int i = 0; i < taskId.length() && b.length() < 200; i++) {
            char c = taskId.charAt(i);
            b.append(Character.isLetterOrDigit(c) && c < 0x80 || c == '.' || c == '_' || c == '-' ? c : '_');
        }
        return b.append('.').append(sha256(taskId).substring(0, 12)).toString();
    }

    private void ensureScope() {
        if (scopes.find(settings.scope()).isEmpty()) {
            try {
                scopes.add(settings.scope(), settings.serviceAccount());
                log.info("Created scope '{}' for the workload bridge's task datasets", settings.scope());
            } catch (Duplicate e) {
                // made concurrently
            }
        }
    }

    private static String fingerprint(TaskRegistration r) {
        Map<String, Object> canonical = new LinkedHashMap<>();
        canonical.put("inputs", r.inputs());
        canonical.put("rseExpression", r.rseExpression());
        canonical.put("pinLifetime", r.pinLifetime() == null ? null : String.valueOf(r.pinLifetime()));
        canonical.put("priority", r.priority());
        canonical.put("jobs", r.jobs());
        canonical.put("split", r.split());
        canonical.put("webhook", r.webhook());
        try {
            return sha256(JSON.writeValueAsString(canonical));
        } catch (JsonProcessingException e) {
            throw new InvalidObject("The task cannot be read: " + e.getOriginalMessage());
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
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

    private Task require(String taskId) {
        return store.task(taskId).orElseThrow(() -> new TaskNotFound("No task with id '" + taskId + "'"));
    }

    /** The progress of the task's tape campaign, when it has one. */
    public Optional<org.stevedore.tape.campaign.CampaignProgress> campaign(Task task) {
        return campaigns == null ? Optional.empty() : campaigns.progress(task.campaignId());
    }

    public TaskWithJobs withJobs(String taskId) {
        return new TaskWithJobs(require(taskId), store.jobs(taskId));
    }

    private void touch(String taskId) {
        store.refreshLease(taskId, clock.millis(), settings.leaseRefreshEvery().toMillis());
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

    // ---- job end, cancel, expiry --------------------------------------------------------------------------

    /**
     * The workflow system's report that a job ended, with the output files it wrote (optional; registered first, all
     * or nothing, so a refused registration leaves the job as it was and the report can be sent again). Files no
     * other unfinished job of the task needs lose the task's pin; when it was the task's last job the task is
     * FINISHED, its pin rule goes and its output datasets are closed. Reporting the same end twice is harmless.
     */
    public BridgeStore.Ended endJob(String jobId, EndState state, JobOutput output, String account) {
        Job job = job(jobId);
        if (output != null) {
            if (outputs == null) {
                throw new InvalidObject("Output registration is not available in this deployment");
            }
            if (output.scope() == null || output.dataset() == null) {
                throw new InvalidObject("'outputs' needs a 'scope' and a 'dataset' besides its 'files'");
            }
            DidRef dataset = DidRef.of(output.scope(), output.dataset());
            outputs.register(account, jobId, output.scope(), output.dataset(), output.files());
            store.addOutputDataset(job.taskId(), dataset.key());
        }
        return endJob(jobId, state);
    }

    /** {@link #endJob(String, EndState, JobOutput, String)} without outputs. */
    public BridgeStore.Ended endJob(String jobId, EndState state) {
        BridgeStore.Ended ended = store.endJob(jobId, state.name(), clock.millis(), (from, to) -> {
            if (from.equals(to)) {
                return;
            }
            if (BridgeStore.HELD.equals(from) && !"CANCELLED".equals(to)) {
                throw new InvalidJobState("Job '" + jobId + "' is not released yet; only 'cancelled' can be reported for it");
            }
            if (!BridgeStore.HELD.equals(from) && !BridgeStore.RELEASED.equals(from)) {
                throw new InvalidJobState("Job '" + jobId + "' already ended as " + from.toLowerCase(Locale.ROOT));
            }
        }).orElseThrow(() -> new JobNotFound("No job with id '" + jobId + "'"));
        touch(ended.task().id());
        if (ended.changed()) {
            log.info("Job {} of task {} ended {}; {} file(s) no longer needed by the task", jobId, ended.task().id(),
                    state, ended.unpinnedFiles().size());
        }
        if (ended.taskFinished()) {
            taskEnded(ended.task());
            log.info("Task {} finished: every job ended; pin rule {} removed", ended.task().id(), ended.task().ruleId());
        }
        return ended;
    }

    /**
     * What follows the end of a task, whichever way it ended: its tape campaign is cancelled, its pins go, its output
     * datasets close.
     */
    private void taskEnded(Task task) {
        if (campaigns != null) {
            campaigns.cancel(task.id(), task.campaignId());
        }
        pins.unpin(task.id(), task.ruleId());
        if (outputs != null) {
            for (String key : task.outputDatasets()) {
                DidRef dataset = DidRef.fromKey(key);
                try {
                    outputs.close(dataset.scope(), dataset.name());
                } catch (org.stevedore.catalog.error.StevedoreException e) {
                    log.warn("Task {}: output dataset {} could not be closed: {}", task.id(), key, e.getMessage());
                }
            }
        }
    }

    /** Cancels a task: its unfinished jobs are CANCELLED and its pin rule goes (files other tasks pin stay). */
    public Task cancel(String taskId) {
        Optional<Task> before = store.end(taskId, "CANCELLED", clock.millis(), null);
        if (before.isEmpty()) {
            Task task = require(taskId);
            if ("CANCELLED".equals(task.state())) {
                return task;
            }
            throw new InvalidJobState("Task '" + taskId + "' has already ended: " + task.state().toLowerCase(Locale.ROOT));
        }
        taskEnded(before.get());
        log.info("Task {} cancelled; pin rule {} removed", taskId, before.get().ruleId());
        return require(taskId);
    }

    /** Ends a task whose lease ran out; answers whether it did (false: it had ended meanwhile). */
    public boolean expire(String taskId) {
        long now = clock.millis();
        Optional<Task> before = store.end(taskId, "EXPIRED", now, now);
        if (before.isEmpty()) {
            return false;
        }
        taskEnded(before.get());
        log.info("Task {} expired: no call since its lease ran out at {}; pin rule {} removed", taskId,
                before.get().leaseExpiresAt(), before.get().ruleId());
        return true;
    }
}
