package org.stevedore.bridge.task;

import static org.stevedore.bridge.task.TaskDefinition.datasetName;
import static org.stevedore.bridge.task.TaskDefinition.fingerprint;
import static org.stevedore.bridge.task.TaskDefinition.id;
import static org.stevedore.bridge.task.TaskDefinition.inputs;
import static org.stevedore.bridge.task.TaskDefinition.key;
import static org.stevedore.bridge.task.TaskDefinition.webhookUrl;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.neo4j.driver.exceptions.ClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.bridge.gate.ReleaseGate;
import org.stevedore.bridge.pin.TaskPins;
import org.stevedore.bridge.store.BridgeStore.Task;
import org.stevedore.bridge.store.TaskRegistrationStore;
import org.stevedore.bridge.store.TaskRegistrationStore.NewJob;
import org.stevedore.bridge.store.TaskRegistrationStore.NewTask;
import org.stevedore.bridge.task.BridgeService.TaskWithJobs;
import org.stevedore.catalog.account.AccountStore;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.error.DataIdentifierNotFound;
import org.stevedore.catalog.error.Duplicate;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.scope.ScopeStore;
import org.stevedore.catalog.store.Constraints;
import org.stevedore.rules.error.InvalidRSEExpression;

/**
 * Registering a task: validated all or nothing, then its jobs HELD, its pin rule created, its tape inputs handed to a
 * pre-staging campaign, and jobs whose inputs are on disk already released. A registration repeated with the same
 * definition answers the task as it is, and mends one a crash cut short.
 */
public final class TaskRegistrar {

    private static final Logger log = LoggerFactory.getLogger(TaskRegistrar.class);

    /** A registration's answer: the task, and whether this call created it (false: it was registered before). */
    public record Registered(TaskWithJobs task, boolean created) {
    }

    private final BridgeService tasks;
    private final TaskRegistrationStore store;
    private final ScopeStore scopes;
    private final AccountStore accounts;
    private final TaskPins pins;
    private final ReleaseGate gate;
    private final Function<String, List<String>> diskRses;
    private final Clock clock;
    private final BridgeSettings settings;
    private final TaskCampaigns campaigns;

    /** Every input through the task's pin rule, tape inputs included (FTS {@code bring_online}). */
    public TaskRegistrar(BridgeService tasks, TaskRegistrationStore store, ScopeStore scopes, AccountStore accounts,
                         TaskPins pins, ReleaseGate gate, Function<String, List<String>> diskRses, Clock clock,
                         BridgeSettings settings) {
        this(tasks, store, scopes, accounts, pins, gate, diskRses, clock, settings, null);
    }

    /**
     * @param tasks     the task reads (a repeated registration renews the task's lease and answers the task)
     * @param diskRses  resolves an RSE expression to the ids of the disk RSEs it selects
     * @param campaigns the tape-staging path of inputs on tape only (null: none, they go through the pin rule)
     */
    public TaskRegistrar(BridgeService tasks, TaskRegistrationStore store, ScopeStore scopes, AccountStore accounts,
                         TaskPins pins, ReleaseGate gate, Function<String, List<String>> diskRses, Clock clock,
                         BridgeSettings settings, TaskCampaigns campaigns) {
        this.tasks = tasks;
        this.campaigns = campaigns;
        this.store = store;
        this.scopes = scopes;
        this.accounts = accounts;
        this.pins = pins;
        this.gate = gate;
        this.diskRses = diskRses;
        this.clock = clock;
        this.settings = settings;
    }

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
        Optional<TaskWithJobs> existing = existing(taskId, fingerprint, request);
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
        TaskCampaigns.Window window = campaigns == null ? null : campaigns.window(request.staging(), clock.instant());
        boolean streaming = request.streams();
        if (streaming && request.split() == null) {
            throw new InvalidObject("A streaming task needs 'split' ({\"filesPerJob\": N}), not 'jobs': its jobs are"
                    + " made as files are attached to its inputs");
        }
        // A streaming task over open inputs leaves a last short chunk for the files still to come.
        boolean following = streaming && !store.openInputs(inputs).isEmpty();
        List<String> inputFiles = files(inputs, streaming);
        List<NewJob> jobs = jobs(taskId, request, inputFiles, following);
        // Chunks: a task whose jobs name some files of big datasets pins, copies and recalls only those.
        List<String> files = needed(inputFiles, jobs);
        DidRef dataset = new DidRef(settings.scope(), datasetName(taskId));
        ensureScope();
        // Inputs on tape only, behind a tape endpoint, join the task's dataset once their campaign has staged them.
        Set<String> staged = campaigns == null ? Set.of() : campaigns.stageable(files, store.tapeOnly(files));
        NewTask task = new NewTask(taskId, account, fingerprint, expression, rseIds, pinSeconds, priority, dataset,
                webhookUrl, webhookUrl == null || request.webhook().secret() == null || request.webhook().secret().isEmpty()
                        ? null : request.webhook().secret(), jobs, files, staged,
                streaming ? new TaskRegistrationStore.Stream(inputs, request.split().filesPerJob()) : null);
        try {
            store.insert(task, clock.millis());
        } catch (ClientException e) {
            if (Constraints.isUniquenessViolation(e)) {
                // Registered concurrently by another call: answer as a repeat does.
                return new Registered(existing(taskId, fingerprint, request).orElseThrow(() -> e), false);
            }
            throw e;
        } catch (Duplicate e) {
            // Its job ids are taken: by this very task when a concurrent call registered it first.
            Optional<TaskWithJobs> raced = existing(taskId, fingerprint, request);
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
                        dataset, ruleId, window);
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
        return new Registered(tasks.withJobs(taskId), true);
    }

    private Optional<TaskWithJobs> existing(String taskId, String fingerprint, TaskRegistration request) {
        Optional<Task> found = tasks.find(taskId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        if (!fingerprint.equals(found.get().fingerprint())) {
            throw new Duplicate("Task '" + taskId + "' is already registered with another definition");
        }
        tasks.touch(taskId);
        resumeStaging(found.get(), request);
        return Optional.of(tasks.withJobs(taskId));
    }

    /**
     * Finishes a registration a crash cut short between writing the task and recording its campaign: inputs on tape
     * only that still wait to join the task's dataset, and no campaign to bring them. Workflow systems retry a
     * registration that got no answer, so the retry is where this is mended.
     */
    private void resumeStaging(Task task, TaskRegistration request) {
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
        TaskCampaigns.Window window;
        try {
            window = campaigns.window(request.staging(), clock.instant());
        } catch (InvalidObject e) {
            log.warn("Task {}: its campaign cannot be started any more: {}", task.id(), e.getMessage());
            return;
        }
        DidRef dataset = DidRef.fromKey(task.datasetKey());
        String campaignId = campaigns.start(task.id(), task.account(), List.copyOf(stageable), task.rseExpression(),
                task.pinLifetimeSeconds(), task.priority(), dataset, task.ruleId(), window);
        if (store.setCampaignIfNone(task.id(), campaignId, clock.millis())) {
            log.info("Task {}: its registration had not recorded a campaign; campaign {} now brings back {} file(s)",
                    task.id(), campaignId, stageable.size());
        } else {
            campaigns.cancel(task.id(), campaignId);
        }
    }

    /** The input files, in input order (a collection's files by name); refuses inputs that do not exist. */
    private List<String> files(List<String> inputs, boolean mayBeEmpty) {
        Map<String, List<String>> expanded = store.expand(inputs);
        Set<String> files = new LinkedHashSet<>();
        for (String input : inputs) {
            List<String> under = expanded.get(input);
            if (under == null) {
                throw new DataIdentifierNotFound("Input '" + input + "' of the task does not exist");
            }
            under.stream().sorted().forEach(files::add);
        }
        if (files.isEmpty() && !mayBeEmpty) {
            throw new InvalidObject("The task's inputs hold no files");
        }
        return List.copyOf(files);
    }

    /** Of the input files (in input order), those some job reads. */
    private static List<String> needed(List<String> files, List<NewJob> jobs) {
        Set<String> named = new HashSet<>();
        jobs.forEach(j -> named.addAll(j.fileKeys()));
        return files.stream().filter(named::contains).toList();
    }

    /** The jobs; with {@code partialWaits}, a last chunk shorter than the split's waits for more files. */
    private List<NewJob> jobs(String taskId, TaskRegistration request, List<String> files, boolean partialWaits) {
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
            for (int from = 0, i = 1; from < files.size() && !(partialWaits && from + n > files.size()); from += n, i++) {
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
}
