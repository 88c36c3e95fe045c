package org.stevedore.testsupport.fts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.grid.DeterministicJobIds;

/**
 * An <b>emulator</b> of an FTS3 REST server for tests and benchmarks: an in-process HTTP server (plain HTTP on
 * the loopback interface, any caller is the one configured user) speaking the subset of the FTS3 REST API that
 * {@code Fts3Client} uses, with the status codes of the reference: {@code /whoami}; {@code POST /jobs} with
 * deterministic ids (409 on a repeated sid) and 419 without a delegated proxy when so configured; bulk
 * {@code GET /jobs/a,b?files=...} (207 with missing ids); {@code DELETE /jobs/...}; priority changes;
 * {@code /archive}; the delegation endpoints. Jobs move through their states with time (see
 * {@link Fts3EmulatorSettings}); no byte is moved.
 *
 * <pre>{@code
 * try (Fts3Emulator fts = Fts3Emulator.start(Fts3EmulatorSettings.instant(), Clock.systemUTC())) {
 *     Fts3Config config = Fts3Config.defaults(fts.endpoint());
 *     Fts3Client client = new Fts3Client(config, Fts3HttpClients.plain(config),
 *             new Fts3Auth.BearerToken("any"), Clock.systemUTC(), Sleeper.real());
 *     ...
 * }
 * }</pre>
 */
public final class Fts3Emulator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Fts3Emulator.class);
    private static final String NO_DELAY = "sun.net.httpserver.nodelay";

    private final Fts3EmulatorSettings settings;
    private final Clock clock;
    private final HttpServer server;
    private final ExecutorService executor;
    private final ObjectMapper json = new ObjectMapper();
    private final JobDocuments documents;
    private final ConcurrentHashMap<String, EmulatedJob> jobs = new ConcurrentHashMap<>();
    /** Each accepted job's {@code params}, by job id: what a client asked of FTS (e.g. {@code overwrite}). */
    private final ConcurrentHashMap<String, JsonNode> submittedParams = new ConcurrentHashMap<>();
    private final EmulatedDelegation delegation = new EmulatedDelegation();
    private final Random random;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicInteger unavailableAnswersLeft = new AtomicInteger();

    private Fts3Emulator(Fts3EmulatorSettings settings, Clock clock) throws IOException {
        this.settings = settings;
        this.clock = clock;
        this.random = new Random(settings.seed());
        this.documents = new JobDocuments(json, settings);
        // The JDK server leaves Nagle's algorithm on unless told otherwise (read once, when its first server is made):
        // a response whose body goes out after its headers then waits for the client's delayed acknowledgement,
        // up to 40 ms a request, which real FTS servers do not add.
        if (System.getProperty(NO_DELAY) == null) {
            System.setProperty(NO_DELAY, "true");
        }
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "fts3-emulator");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    /** Starts an emulator on a free loopback port. */
    public static Fts3Emulator start(Fts3EmulatorSettings settings, Clock clock) {
        try {
            Fts3Emulator emulator = new Fts3Emulator(settings, clock);
            emulator.server.start();
            log.info("FTS3 emulator listening on {}", emulator.endpoint());
            return emulator;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the FTS3 emulator", e);
        }
    }

    public URI endpoint() {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort());
    }

    /** HTTP requests answered so far (the benchmark reports requests per 100 files). */
    public long requestCount() {
        return requests.get();
    }

    /** Jobs held, in /jobs or /archive. */
    public int jobCount() {
        return jobs.size();
    }

    /** Files submitted so far, over all jobs: more than the distinct ones when a file was submitted twice. */
    public long submittedFiles() {
        return jobs.values().stream().mapToLong(j -> j.files.size()).sum();
    }

    /** Distinct destinations submitted so far. */
    public long distinctDestinations() {
        return jobs.values().stream().flatMap(j -> j.files.stream()).map(EmulatedJob.File::destination).distinct()
                .count();
    }

    /** The {@code params} object of the accepted job's submission, or null for a job it does not know. */
    public JsonNode submittedParams(String jobId) {
        return submittedParams.get(jobId);
    }

    /** The ids of the jobs accepted so far. */
    public Set<String> jobIds() {
        return Set.copyOf(jobs.keySet());
    }

    /** Fault injection: the next {@code count} requests are answered 503, as FTS does on a database pool timeout. */
    public void answerUnavailable(int count) {
        unavailableAnswersLeft.set(count);
    }

    /** Moves a job to /archive now, as FTS does some days after it finished. */
    public void archive(String jobId) {
        EmulatedJob job = jobs.get(jobId);
        if (job != null) {
            job.archive();
        }
    }

    /** Forgets a job entirely, in /jobs and /archive: the client must then call it lost. */
    public void forget(String jobId) {
        jobs.remove(jobId);
    }

    /** Drops the delegated proxy, as if it had expired. */
    public void expireDelegation() {
        delegation.clear();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private record Answer(int status, String contentType, String body) {
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        Answer answer;
        try {
            answer = unavailableAnswersLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0
                    ? error(503, "Service Unavailable", "Database pool timeout (emulated)")
                    : route(exchange);
        } catch (IllegalArgumentException e) {
            answer = error(400, "Bad Request", e.getMessage());
        } catch (RuntimeException e) {
            log.warn("FTS3 emulator failed on {} {}", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            answer = error(500, "Internal Server Error", e.toString());
        }
        byte[] bytes = answer.body() == null ? new byte[0] : answer.body().getBytes(StandardCharsets.UTF_8);
        if (answer.contentType() != null) {
            exchange.getResponseHeaders().set("Content-Type", answer.contentType());
        }
        exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private Answer route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        List<String> path = Arrays.stream(exchange.getRequestURI().getPath().split("/"))
                .filter(s -> !s.isEmpty()).toList();
        String query = exchange.getRequestURI().getQuery();
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String head = path.isEmpty() ? "" : path.get(0);
        return switch (method + " " + head + "/" + path.size()) {
            case "GET whoami/1" -> ok(whoami());
            case "POST jobs/1" -> submit(body);
            case "GET jobs/2" -> status(path.get(1), query);
            case "DELETE jobs/2" -> cancel(path.get(1));
            case "POST jobs/2" -> modify(path.get(1), body);
            case "GET archive/2" -> archived(path.get(1));
            case "GET delegation/2" -> delegationInfo(path.get(1));
            case "GET delegation/3" -> path.get(2).equals("request") ? delegationRequest(path.get(1)) : notFound();
            case "PUT delegation/3" -> path.get(2).equals("credential") ? delegate(path.get(1), body) : notFound();
            case "DELETE delegation/2" -> {
                delegation.clear();
                yield new Answer(204, null, null);
            }
            default -> notFound();
        };
    }

    private ObjectNode whoami() {
        ObjectNode me = json.createObjectNode();
        me.put("user_dn", settings.userDn());
        me.putArray("dn").add(settings.userDn());
        me.putArray("vos").add(settings.vo());
        me.putArray("vos_id").add(DeterministicJobIds.uuid5(DeterministicJobIds.FTS_BASE_ID, settings.vo()).toString());
        me.putArray("voms_cred");
        me.put("delegation_id", settings.delegationId());
        me.put("method", settings.requireDelegation() ? "certificate" : "oauth2");
        me.put("is_root", false);
        me.put("base_id", DeterministicJobIds.FTS_BASE_ID.toString());
        return me;
    }

    private Answer submit(String body) throws IOException {
        Instant now = clock.instant();
        if (settings.requireDelegation()) {
            Instant termination = delegation.terminationTime();
            if (termination == null || termination.isBefore(now.plus(Duration.ofHours(1)))) {
                return error(419, "Authentication Timeout",
                        "No delegation found, or it expires in less than an hour: delegate first");
            }
        }
        JsonNode request = json.readTree(body);
        JsonNode params = request.path("params");
        JsonNode fileNodes = request.path("files");
        if (!fileNodes.isArray() || fileNodes.isEmpty()) {
            throw new IllegalArgumentException("No transfers or namespace operations specified");
        }
        List<Boolean> failures = new ArrayList<>();
        for (JsonNode f : fileNodes) {
            boolean fails;
            synchronized (random) {
                fails = random.nextDouble() < settings.failureRate();
            }
            failures.add(fails || settings.failDestination().test(f.path("destinations").path(0).asText()));
        }
        List<EmulatedJob.File> files = new ArrayList<>();
        for (int i = 0; i < fileNodes.size(); i++) {
            JsonNode f = fileNodes.get(i);
            String source = SubmittedUrls.valid(f.path("sources").path(0).asText(""));
            String destination = SubmittedUrls.valid(f.path("destinations").path(0).asText(""));
            files.add(new EmulatedJob.File(i + 1, source, destination, f.path("filesize").asLong(0),
                    f.path("checksum").asText(null), f.path("activity").asText("default"), f.get("metadata"),
                    failures.get(i)));
        }
        boolean staging = params.path("bring_online").asLong(-1) > 0 || params.path("copy_pin_lifetime").asLong(-1) > 0;
        int priority = Math.max(1, Math.min(5, params.path("priority").asInt(3)));
        boolean deterministic = "deterministic".equals(params.path("id_generator").asText())
                && params.hasNonNull("sid");
        String jobId = deterministic
                ? DeterministicJobIds.jobId(settings.vo(), params.get("sid").asText())
                : UUID.randomUUID().toString();
        EmulatedJob job = new EmulatedJob(jobId, now, staging, priority, params.get("job_metadata"), files, settings);
        if (jobs.putIfAbsent(jobId, job) != null) {
            return error(409, "Conflict", "The sid provided is already in use: job " + jobId + " exists");
        }
        submittedParams.put(jobId, params.deepCopy());
        return ok(json.createObjectNode().put("job_id", jobId));
    }

    private Answer status(String ids, String query) {
        Set<String> fileFields = JobDocuments.fileFields(query);
        Instant now = clock.instant();
        String[] wanted = ids.split(",");
        if (wanted.length == 1) {
            EmulatedJob job = live(wanted[0], now);
            return job == null ? error(404, "Not Found", "No job with the id " + wanted[0])
                    : ok(documents.document(job, now, fileFields));
        }
        ArrayNode answer = json.createArrayNode();
        boolean missing = false;
        for (String id : wanted) {
            EmulatedJob job = live(id, now);
            if (job == null) {
                missing = true;
                answer.addObject().put("job_id", id).put("http_status", "404 Not Found");
            } else {
                answer.add(documents.document(job, now, fileFields).put("http_status", "200 Ok"));
            }
        }
        return new Answer(missing ? 207 : 200, "application/json", answer.toString());
    }

    private Answer archived(String id) {
        Instant now = clock.instant();
        EmulatedJob job = jobs.get(id);
        if (job == null || !job.archived(now, settings.archiveAfter())) {
            return error(404, "Not Found", "No job with the id " + id + " has been archived");
        }
        return ok(documents.document(job, now, JobDocuments.ALL_FILE_FIELDS));
    }

    private Answer cancel(String ids) {
        Instant now = clock.instant();
        String[] wanted = ids.split(",");
        ArrayNode answer = json.createArrayNode();
        boolean allFound = true;
        for (String id : wanted) {
            EmulatedJob job = live(id, now);
            if (job == null) {
                allFound = false;
                answer.addObject().put("job_id", id).put("http_status", "404 Not Found");
            } else {
                boolean canceled = job.cancel(now);
                answer.add(documents.document(job, now, Set.of()).put("http_status", canceled ? "200 Ok" : "304 Not Modified"));
            }
        }
        if (wanted.length == 1) {
            return allFound ? ok(answer.get(0)) : error(404, "Not Found", "No job with the id " + wanted[0]);
        }
        return new Answer(allFound ? 200 : 207, "application/json", answer.toString());
    }

    private Answer modify(String id, String body) throws IOException {
        Instant now = clock.instant();
        EmulatedJob job = live(id, now);
        if (job == null) {
            return error(404, "Not Found", "No job with the id " + id);
        }
        JsonNode params = json.readTree(body).path("params");
        if (!params.has("priority")) {
            throw new IllegalArgumentException("Only the priority of a job can be modified");
        }
        job.priority(Math.max(1, Math.min(5, params.get("priority").asInt())));
        return ok(documents.document(job, now, Set.of()));
    }

    private Answer delegationInfo(String id) {
        if (!id.equals(settings.delegationId())) {
            return error(403, "Forbidden", "The requested ID and the credentials ID do not match");
        }
        Instant termination = delegation.terminationTime();
        if (termination == null) {
            return new Answer(200, "application/json", "null");
        }
        ObjectNode info = json.createObjectNode().put("termination_time", JobDocuments.FTS_DATE.format(termination));
        info.putArray("voms_attrs");
        return ok(info);
    }

    private Answer delegationRequest(String id) {
        if (!id.equals(settings.delegationId())) {
            return error(403, "Forbidden", "The requested ID and the credentials ID do not match");
        }
        return new Answer(200, "text/plain", delegation.request());
    }

    private Answer delegate(String id, String pem) {
        if (!id.equals(settings.delegationId())) {
            return error(403, "Forbidden", "The requested ID and the credentials ID do not match");
        }
        String refusal = delegation.accept(pem);
        return refusal == null ? new Answer(201, "application/json", "\"Created\"")
                : error(400, "Bad Request", refusal);
    }

    /** A job still in /jobs (not archived), or null. */
    private EmulatedJob live(String id, Instant now) {
        EmulatedJob job = jobs.get(id);
        return job == null || job.archived(now, settings.archiveAfter()) ? null : job;
    }


    private Answer ok(JsonNode body) {
        return new Answer(200, "application/json", body.toString());
    }

    private Answer notFound() {
        return error(404, "Not Found", "No such resource in the FTS3 emulator");
    }

    private Answer error(int status, String phrase, String message) {
        ObjectNode body = json.createObjectNode().put("status", status + " " + phrase).put("message", message);
        return new Answer(status, "application/json", body.toString());
    }
}
