package org.stevedore.web.bridge;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.stevedore.bridge.error.JobBlocked;
import org.stevedore.bridge.error.JobGone;
import org.stevedore.bridge.error.JobNotReady;
import org.stevedore.bridge.store.BlockingStore;
import org.stevedore.bridge.store.BridgeStore;
import org.stevedore.bridge.store.BridgeStore.Job;
import org.stevedore.bridge.store.BridgeStore.JobReplica;
import org.stevedore.bridge.store.BridgeStore.Task;
import org.stevedore.bridge.store.JobOutputs;
import org.stevedore.bridge.task.BridgeService;
import org.stevedore.bridge.task.TaskEnder;
import org.stevedore.bridge.task.TaskRegistrar;
import org.stevedore.bridge.task.TaskRegistration;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.replica.ReplicaState;
import org.stevedore.catalog.replica.ReplicaStore;
import org.stevedore.tape.campaign.CampaignProgress;
import org.stevedore.web.api.Errors;
import org.stevedore.web.api.RequestLimits;
import org.stevedore.web.auth.Caller;
import org.stevedore.web.replica.PfnResolver;

/**
 * The workload bridge's REST API: tasks (listed, and what blocks them), their job feed (cursor and long-poll), the
 * readiness of a job (404 while on its way, as Airflow's stock HttpSensor waits on, with the reasons), job end reports
 * and cancelling. Every call about a task renews its
 * lease.
 */
@RestController
public class BridgeController {

    @JsonIgnoreProperties(ignoreUnknown = true)
    record EndBody(String state, Outputs outputs) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Outputs(String scope, String dataset, List<JobOutputs.Output> files) {
    }

    private final BridgeService service;
    private final BridgeGateway gateway;
    private final PfnResolver pfns;
    private final RequestLimits limits;

    public BridgeController(BridgeService service, BridgeGateway gateway, PfnResolver pfns, RequestLimits limits) {
        this.limits = limits;
        this.service = service;
        this.gateway = gateway;
        this.pfns = pfns;
    }

    /** Registers a task: 201 with the task and its jobs, or 200 with them when the same task was registered before. */
    @PostMapping("/bridge/tasks")
    public ResponseEntity<Map<String, Object>> register(@RequestBody TaskRegistration body, Caller caller) {
        if (body == null) {
            throw new InvalidObject("A task needs a body: {\"taskId\", \"inputs\", \"rseExpression\", \"jobs\" or \"split\"}");
        }
        if (body.inputs() != null) {
            limits.requireAtMost("inputs", body.inputs().size());
        }
        if (body.jobs() != null) {
            limits.requireAtMost("jobs", body.jobs().size());
            limits.requireAtMost("job inputs", body.jobs().stream()
                    .mapToLong(j -> j == null || j.files() == null ? 0 : j.files().size()).sum());
        }
        TaskRegistrar.Registered registered = gateway.register(caller, body);
        Map<String, Object> doc = task(registered.task().task());
        doc.put("jobs", registered.task().jobs().stream().map(BridgeController::job).toList());
        return ResponseEntity.status(registered.created() ? HttpStatus.CREATED : HttpStatus.OK).body(doc);
    }

    @GetMapping("/bridge/tasks/{id}")
    public Map<String, Object> get(@PathVariable String id) {
        return task(service.task(id));
    }

    /**
     * Tasks by id, a page at a time ({@code after}: the last task id of the previous page, also the answer's
     * {@code cursor}); {@code account} and {@code state} filter. Non-admins see their own account's tasks only.
     */
    @GetMapping("/bridge/tasks")
    public Map<String, Object> list(@RequestParam(required = false) String account,
                                    @RequestParam(required = false) String state,
                                    @RequestParam(required = false) String after,
                                    @RequestParam(required = false, defaultValue = "0") int limit, Caller caller) {
        List<Task> tasks = gateway.tasks(caller, account, state, after, limit);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("cursor", tasks.isEmpty() ? (after == null ? "" : after) : tasks.get(tasks.size() - 1).id());
        doc.put("tasks", tasks.stream().map(this::task).toList());
        return doc;
    }

    /**
     * What holds the task's HELD jobs, in one graph query: per reason (LOST, MISSING, STUCK, TRANSFER, CAMPAIGN,
     * WAITING) the number of files and of jobs they hold, and the first {@code limit} files with their jobs;
     * {@code reason} and {@code after} (a group's {@code next}) page through one reason's files.
     */
    @GetMapping("/bridge/tasks/{id}/blocking")
    public Map<String, Object> blocking(@PathVariable String id, @RequestParam(required = false) String reason,
                                        @RequestParam(required = false) String after,
                                        @RequestParam(required = false, defaultValue = "100") int limit) {
        var groups = service.blocking(id, reason, after, limit);
        return HeldDocs.groups(id, service.peek(id).jobCounts().getOrDefault(BridgeStore.HELD, 0L), groups);
    }

    /**
     * The task's jobs. {@code state=RELEASED} (the default) is the cursor feed: pass the answer's {@code cursor} as
     * {@code after} to get only jobs released since, never one twice; {@code wait} (e.g. {@code 30s}) holds the answer
     * until something is released or the time is up.
     */
    @GetMapping("/bridge/tasks/{id}/jobs")
    public Map<String, Object> jobs(@PathVariable String id, @RequestParam(required = false) String state,
                                    @RequestParam(required = false) String after,
                                    @RequestParam(required = false) String wait,
                                    @RequestParam(required = false, defaultValue = "0") int limit)
            throws InterruptedException {
        BridgeService.Page page = service.jobs(id, state, after, waitDuration(wait), limit);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("taskId", page.taskId());
        doc.put("cursor", page.cursor());
        doc.put("jobs", page.jobs().stream().map(BridgeController::job).toList());
        return doc;
    }

    /** Cancels a task: its unfinished jobs are cancelled, its pins go (files other tasks need stay). */
    @PostMapping("/bridge/tasks/{id}/cancel")
    public Map<String, Object> cancel(@PathVariable String id, Caller caller) {
        return task(gateway.cancel(caller, id));
    }

    @DeleteMapping("/bridge/tasks/{id}")
    public Map<String, Object> delete(@PathVariable String id, Caller caller) {
        return cancel(id, caller);
    }

    /** A job; a HELD one with the inputs that hold it and why ({@code waitingFor}). */
    @GetMapping("/bridge/jobs/{id}")
    public Map<String, Object> getJob(@PathVariable String id) {
        Job job = service.job(id);
        Map<String, Object> doc = job(job);
        if (BridgeStore.HELD.equals(job.state())) {
            BlockingStore.Holding holding = service.holding(job);
            doc.put("blocked", holding.blocked());
            doc.put("waitingFor", HeldDocs.inputs(holding));
        }
        return doc;
    }

    /**
     * 200 with the job's input replicas and their PFNs once released. While it is held: 404 {@code JobNotReady} (what
     * pollers such as Airflow's HttpSensor take for "not yet") when every input is on its way, 409 {@code JobBlocked}
     * when an input is lost, missing or stuck (nothing will release it without someone acting: a poller should stop
     * and tell); both with the inputs that hold it and why ({@code waitingFor}). 410 {@code JobGone} for a job
     * cancelled or failed, or of a task cancelled or expired, with the job's and the task's state.
     */
    @GetMapping("/bridge/jobs/{id}/ready")
    public ResponseEntity<Map<String, Object>> ready(@PathVariable String id) {
        BridgeService.ReadyJob ready;
        try {
            ready = service.ready(id);
        } catch (JobGone e) {
            return Errors.entity(HttpStatus.GONE, "JobGone", e.getMessage(), states(id, e.jobState(), e.taskState()));
        } catch (JobNotReady e) {
            if (e.holding() == null) {
                throw e;
            }
            Map<String, Object> doc = states(id, e.jobState(), e.taskState());
            doc.put("waitingFor", HeldDocs.inputs(e.holding()));
            return Errors.entity(Errors.status(e.kind()), e instanceof JobBlocked ? "JobBlocked" : "JobNotReady",
                    e.getMessage(), doc);
        }
        return ResponseEntity.ok(released(ready));
    }

    private static Map<String, Object> states(String jobId, String jobState, String taskState) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("jobId", jobId);
        doc.put("state", jobState);
        doc.put("taskState", taskState);
        return doc;
    }

    private Map<String, Object> released(BridgeService.ReadyJob ready) {
        Map<String, Object> doc = job(ready.job());
        PfnResolver.Session session = pfns.session(null);
        Map<String, Map<String, Object>> files = new LinkedHashMap<>();
        for (JobReplica r : ready.replicas()) {
            Map<String, Object> file = files.computeIfAbsent(r.key(), k -> {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("scope", r.scope());
                f.put("name", r.name());
                f.put("bytes", r.bytes());
                f.put("adler32", r.adler32());
                f.put("replicas", new ArrayList<Map<String, Object>>());
                return f;
            });
            Map<String, Object> replica = new LinkedHashMap<>();
            replica.put("rse", r.rse());
            replica.put("pfns", session.pfns(new ReplicaStore.At(r.rseId(), r.rse(), null, false, ReplicaState.AVAILABLE,
                    r.path()), r.scope(), r.name()).stream().map(PfnResolver.Pfn::url).toList());
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> replicas = (List<Map<String, Object>>) file.get("replicas");
            replicas.add(replica);
        }
        doc.put("inputs", List.copyOf(files.values()));
        return doc;
    }

    /**
     * The workflow system's report that a job ended: {@code {"state": "done"|"failed"|"cancelled", "outputs":
     * {"scope", "dataset", "files": [{"name", "bytes", "adler32", "rse", "pfn"}]}}} (outputs optional).
     */
    @PostMapping("/bridge/jobs/{id}/end")
    public Map<String, Object> end(@PathVariable String id, @RequestBody EndBody body, Caller caller) {
        if (body == null) {
            throw new InvalidObject("A job end report needs a body: {\"state\": \"done\"|\"failed\"|\"cancelled\"}");
        }
        if (body.outputs() != null && body.outputs().files() != null) {
            limits.requireAtMost("output files", body.outputs().files().size());
        }
        TaskEnder.EndState state = TaskEnder.EndState.parse(body.state());
        TaskEnder.JobOutput output = body.outputs() == null ? null : new TaskEnder.JobOutput(
                body.outputs().scope(), body.outputs().dataset(), body.outputs().files());
        var ended = gateway.end(caller, id, state, output);
        Map<String, Object> doc = job(ended.job());
        doc.put("taskState", ended.task().state());
        return doc;
    }

    /** {@code 30s}, {@code 500ms}, {@code 2m}, a number of seconds, or an ISO-8601 duration. */
    static Duration waitDuration(String wait) {
        if (wait == null || wait.isBlank()) {
            return Duration.ZERO;
        }
        String w = wait.trim().toLowerCase(Locale.ROOT);
        try {
            if (w.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(w.substring(0, w.length() - 2)));
            }
            if (w.endsWith("s") && !w.startsWith("p")) {
                return Duration.ofSeconds(Long.parseLong(w.substring(0, w.length() - 1)));
            }
            if (w.endsWith("m") && !w.startsWith("p")) {
                return Duration.ofMinutes(Long.parseLong(w.substring(0, w.length() - 1)));
            }
            if (w.chars().allMatch(Character::isDigit)) {
                return Duration.ofSeconds(Long.parseLong(w));
            }
            return Duration.parse(w.toUpperCase(Locale.ROOT));
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            // ArithmeticException: a number of minutes beyond what a Duration holds.
            throw new InvalidObject("'wait' must be a duration such as 30s, 500ms or PT30S, not '" + wait + "'");
        }
    }

    private Map<String, Object> task(Task t) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("taskId", t.id());
        doc.put("state", t.state());
        doc.put("account", t.account());
        doc.put("rseExpression", t.rseExpression());
        doc.put("priority", t.priority());
        doc.put("pinLifetime", t.pinLifetimeSeconds());
        doc.put("leaseExpiresAt", iso(t.leaseExpiresAt()));
        doc.put("ruleId", t.ruleId());
        doc.put("dataset", t.datasetKey());
        doc.put("streaming", t.streaming());
        doc.put("releaseCursor", Long.toString(t.releaseSeq()));
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String s : List.of("HELD", "RELEASED", "DONE", "FAILED", "CANCELLED")) {
            counts.put(s, t.jobCounts().getOrDefault(s, 0L));
        }
        doc.put("jobCounts", counts);
        doc.put("webhookUrl", t.webhookUrl());
        doc.put("outputDatasets", t.outputDatasets());
        doc.put("campaign", service.campaign(t).map(BridgeController::campaign).orElse(null));
        doc.put("createdAt", iso(t.createdAt()));
        doc.put("updatedAt", iso(t.updatedAt()));
        return doc;
    }

    /** The task's tape campaign, in short (the whole document is at {@code /campaigns/{id}}). */
    private static Map<String, Object> campaign(CampaignProgress p) {
        var c = p.campaign();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("id", c.id());
        doc.put("state", c.state().name());
        doc.put("files", c.total().files());
        doc.put("filesStaged", c.staged().files());
        doc.put("filesFailed", c.failed().files());
        if (p.copies() != null) {
            doc.put("filesCopied", p.copies().copied().files());
            doc.put("bytesCopied", p.copies().copied().bytes());
            doc.put("filesCopyStuck", p.copies().stuck().files());
        }
        doc.put("etaSeconds", p.eta() == null ? null : p.eta().toSeconds());
        return doc;
    }

    private static Map<String, Object> job(Job j) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("jobId", j.id());
        doc.put("taskId", j.taskId());
        doc.put("state", j.state());
        doc.put("seq", j.seq());
        doc.put("files", j.files());
        doc.put("releasedAt", iso(j.releasedAt()));
        doc.put("endedAt", iso(j.endedAt()));
        return doc;
    }

    private static String iso(Instant i) {
        return i == null ? null : i.toString();
    }
}
