package org.stevedore.transfer.fts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.time.Sleeper;
import org.stevedore.grid.DeterministicJobIds;
import org.stevedore.transfer.tool.JobStatus;
import org.stevedore.transfer.tool.SubmittedJob;
import org.stevedore.transfer.tool.TransferFile;
import org.stevedore.transfer.tool.TransferJob;
import org.stevedore.transfer.tool.TransferJobNotFound;
import org.stevedore.transfer.tool.TransferTool;
import org.stevedore.transfer.tool.TransferToolCredentialsRejected;
import org.stevedore.transfer.tool.TransferToolException;
import org.stevedore.transfer.tool.TransferToolRejected;
import org.stevedore.transfer.tool.TransferToolUnavailable;

/**
 * The FTS3 REST client for one FTS server, following {@code shared/reference/fts3-rest.md}.
 *
 * <ul>
 *   <li>Submission: one FTS job per chunk of at most {@link Fts3Config#maxFilesPerJob()} files of a transfer job
 *       (one link), with {@code id_generator: deterministic} and {@code sid = <transfer job id>#<chunk>}. A 409
 *       answer means the job already exists (an earlier attempt was accepted although we never saw the answer); we
 *       confirm it under the id FTS derives from the sid and report it as submitted.</li>
 *   <li>419 (no or an expiring delegated proxy): delegate, then submit once more.</li>
 *   <li>Polling: {@code GET /jobs/a,b,c?files=...}; jobs missing there (404, or a 404 entry of a 207) are looked
 *       for in {@code /archive}, and are LOST when absent there too.</li>
 *   <li>Connection errors, timeouts and 5xx are retried with backoff within {@link Fts3Config#maxAttempts()}.</li>
 * </ul>
 *
 * Thread-safe: the identity is fetched once, the delegator serialises its own work.
 */
public final class Fts3Client implements TransferTool, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Fts3Client.class);

    private final Fts3Config config;
    private final Fts3Http http;
    private final Fts3Delegator delegator;
    private volatile Fts3Identity identity;
    /** The HTTP client this instance made itself and must release; null when the caller passed one in. */
    private final OkHttpClient owned;

    /**
     * @param http    the HTTP client; for X509 its TLS must present {@code auth}'s credential (see
     *                {@link Fts3HttpClients}), and it should not retry on its own
     * @param auth    X509 (with delegation) or a bearer token
     * @param clock   for the delegated proxy's lifetime
     * @param sleeper waits between retries
     */
    public Fts3Client(Fts3Config config, OkHttpClient http, Fts3Auth auth, Clock clock, Sleeper sleeper) {
        this(config, http, auth, clock, sleeper, false);
    }

    private Fts3Client(Fts3Config config, OkHttpClient http, Fts3Auth auth, Clock clock, Sleeper sleeper,
                       boolean ownsHttp) {
        this.owned = ownsHttp ? http : null;
        this.config = config;
        this.http = new Fts3Http(http, config, auth, sleeper);
        this.delegator = auth instanceof Fts3Auth.X509 x509
                ? new Fts3Delegator(this.http, x509.source(), new ProxySigner(clock, new SecureRandom()), clock,
                        config.delegationRenewBefore(), config.delegatedProxyLifetime())
                : null;
    }

    /** A client over TLS, trusting the CA certificates in {@code caDirectory}, with the real clock and sleeps. */
    public static Fts3Client create(Fts3Config config, Fts3Auth auth, Path caDirectory) {
        return create(config, auth, caDirectory, Clock.systemUTC());
    }

    /** As {@link #create(Fts3Config, Fts3Auth, Path)}, with the given clock (delegated proxies' lifetimes). */
    public static Fts3Client create(Fts3Config config, Fts3Auth auth, Path caDirectory, Clock clock) {
        return new Fts3Client(config, Fts3HttpClients.create(config, auth, caDirectory), auth, clock,
                Sleeper.real(), true);
    }

    /** The server this client talks to, in the form requests record as their {@code external_host}. */
    public String endpoint() {
        return http.endpoint();
    }

    /**
     * Releases the HTTP client's threads and pooled connections when this client made it ({@link #create}); a client
     * given to the constructor belongs to the caller and is left alone.
     */
    @Override
    public void close() {
        if (owned != null) {
            owned.dispatcher().executorService().shutdown();
            owned.connectionPool().evictAll();
        }
    }

    /** Who FTS thinks we are ({@code GET /whoami}), asked once. */
    public Fts3Identity whoami() {
        Fts3Identity known = identity;
        if (known != null) {
            return known;
        }
        Fts3Http.Reply reply = http.get(http.url("whoami").build());
        if (!reply.ok()) {
            throw failure(null, "GET /whoami", reply, List.of());
        }
        JsonNode me = Fts3Json.parse(reply.body());
        List<String> vos = new ArrayList<>();
        me.path("vos").forEach(vo -> vos.add(vo.asText()));
        known = new Fts3Identity(me.path("user_dn").asText(""), vos, me.path("delegation_id").asText(null),
                me.path("method").asText(""));
        identity = known;
        return known;
    }

    @Override
    public List<SubmittedJob> submit(List<TransferJob> jobs) {
        List<SubmittedJob> submitted = new ArrayList<>();
        try {
            Fts3Identity me = whoami();
            if (delegator != null) {
                delegator.ensure(delegationId(me));
            }
            for (TransferJob job : jobs) {
                List<TransferFile> files = job.files();
                for (int chunk = 0, from = 0; from < files.size(); chunk++, from += config.maxFilesPerJob()) {
                    List<TransferFile> part = files.subList(from, Math.min(files.size(), from + config.maxFilesPerJob()));
                    submitted.add(submitChunk(me, job, chunk, part, submitted));
                }
            }
        } catch (TransferToolException e) {
            throw submitted.isEmpty() ? e : withSubmitted(e, submitted);
        }
        return submitted;
    }

    private SubmittedJob submitChunk(Fts3Identity me, TransferJob job, int chunk, List<TransferFile> files,
                                     List<SubmittedJob> before) {
        String sid = job.id() + "#" + chunk;
        String body = Fts3Json.submission(job, files, sid, config);
        List<String> requestIds = files.stream().map(TransferFile::requestId).toList();
        boolean redelegated = false;
        while (true) {
            Fts3Http.Reply reply = http.post(http.url("jobs").build(), body);
            if (reply.status() == 200 || reply.status() == 201) {
                String jobId = Fts3Json.parse(reply.body()).path("job_id").asText(null);
                if (jobId == null) {
                    throw new TransferToolUnavailable("FTS " + http.endpoint() + " accepted transfer job " + job.id()
                            + " without a job id", null, before);
                }
                log.info("Submitted FTS job {} on {} for transfer job {} chunk {} ({} files, {} -> {})", jobId,
                        http.endpoint(), job.id(), chunk, files.size(), job.sourceRse(), job.destinationRse());
                return new SubmittedJob(jobId, http.endpoint(), job.id(), requestIds);
            }
            if (reply.status() == 409) {
                return confirmExisting(me, job, chunk, sid, requestIds, reply, before);
            }
            if (reply.status() == 419 && delegator != null && !redelegated) {
                log.info("FTS {} wants a fresh delegation (419) for transfer job {}: delegating and resubmitting",
                        http.endpoint(), job.id());
                delegator.delegate(delegationId(me));
                redelegated = true;
                continue;
            }
            throw failure(job.id(), "submission of transfer job " + job.id(), reply, before);
        }
    }

    /**
     * A 409 is either our own earlier submission of this sid (accepted, answer lost) or a conflict with someone
     * else's job (same destination). Only the job under our deterministic id tells which.
     */
    private SubmittedJob confirmExisting(Fts3Identity me, TransferJob job, int chunk, String sid,
                                         List<String> requestIds, Fts3Http.Reply conflict, List<SubmittedJob> before) {
        if (me.vo() == null) {
            throw new TransferToolRejected(job.id(), 409, "FTS " + http.endpoint() + " reports a conflict for "
                    + "transfer job " + job.id() + " and whoami names no VO to derive its job id from: "
                    + Fts3Json.errorMessage(conflict.body()), before);
        }
        String expected = DeterministicJobIds.jobId(me.vo(), sid);
        Fts3Http.Reply existing = http.get(http.url("jobs", expected).build());
        if (existing.ok()) {
            log.info("FTS job {} on {} for transfer job {} chunk {} was already submitted (409); not duplicated",
                    expected, http.endpoint(), job.id(), chunk);
            return new SubmittedJob(expected, http.endpoint(), job.id(), requestIds);
        }
        throw new TransferToolRejected(job.id(), 409, "FTS " + http.endpoint() + " refused transfer job " + job.id()
                + " as a conflict, and it holds no job " + expected + ": "
                + Fts3Json.errorMessage(conflict.body()), before);
    }

    @Override
    public Map<String, JobStatus> query(List<String> jobIds) {
        Map<String, JobStatus> statuses = new LinkedHashMap<>();
        for (int from = 0; from < jobIds.size(); from += config.maxJobsPerQuery()) {
            List<String> ids = jobIds.subList(from, Math.min(jobIds.size(), from + config.maxJobsPerQuery()));
            HttpUrl url = http.url("jobs", String.join(",", ids))
                    .addEncodedQueryParameter("files", Fts3Json.FILE_FIELDS)
                    .build();
            Fts3Http.Reply reply = http.get(url);
            Map<String, JobStatus> found = new LinkedHashMap<>();
            if (reply.status() == 200 || reply.status() == 207) {
                JsonNode body = Fts3Json.parse(reply.body());
                // One id gives one document, several give a list (207 when some are missing).
                for (JsonNode job : body.isArray() ? body : List.of(body)) {
                    String status = job.path("http_status").asText("200");
                    if (status.startsWith("2") && job.hasNonNull("job_state")) {
                        JobStatus parsed = Fts3Json.jobStatus(job);
                        found.put(parsed.jobId(), parsed);
                    }
                }
            } else if (reply.status() != 404) {
                throw failure(null, "bulk status of " + ids.size() + " jobs", reply, List.of());
            }
            for (String id : ids) {
                statuses.put(id, found.containsKey(id) ? found.get(id) : fromArchive(id));
            }
        }
        return statuses;
    }

    /** Jobs finished long ago leave /jobs for /archive; a job in neither is lost. */
    private JobStatus fromArchive(String jobId) {
        Fts3Http.Reply reply = http.get(http.url("archive", jobId).build());
        if (reply.status() == 404) {
            log.warn("FTS job {} is unknown to {} in /jobs and /archive: lost", jobId, http.endpoint());
            return JobStatus.lost(jobId);
        }
        if (!reply.ok()) {
            throw failure(null, "archive lookup of job " + jobId, reply, List.of());
        }
        return Fts3Json.jobStatus(Fts3Json.parse(reply.body()));
    }

    @Override
    public void cancel(List<String> jobIds) {
        for (int from = 0; from < jobIds.size(); from += config.maxJobsPerQuery()) {
            List<String> ids = jobIds.subList(from, Math.min(jobIds.size(), from + config.maxJobsPerQuery()));
            Fts3Http.Reply reply = http.delete(http.url("jobs", String.join(",", ids)).build());
            // 207 and 404: some or all were already gone, which is what cancelling wants.
            if (!reply.ok() && reply.status() != 404) {
                throw failure(null, "cancellation of " + ids.size() + " jobs", reply, List.of());
            }
            log.info("Cancelled FTS jobs {} on {}", ids, http.endpoint());
        }
    }

    @Override
    public void setPriority(String jobId, int priority) {
        ObjectNode body = Fts3Json.mapper().createObjectNode();
        body.putObject("params").put("priority", Fts3Json.clampPriority(priority));
        Fts3Http.Reply reply = http.post(http.url("jobs", jobId).build(), Fts3Json.write(body));
        if (reply.status() == 404) {
            throw new TransferJobNotFound(jobId);
        }
        if (!reply.ok()) {
            throw failure(null, "priority change of job " + jobId, reply, List.of());
        }
    }

    private String delegationId(Fts3Identity me) {
        if (me.delegationId() == null) {
            throw new TransferToolCredentialsRejected("FTS " + http.endpoint() + " gave no delegation id in whoami",
                    null, List.of());
        }
        return me.delegationId();
    }

    private TransferToolException failure(String transferJobId, String what, Fts3Http.Reply reply,
                                          List<SubmittedJob> before) {
        String message = "FTS " + http.endpoint() + " refused " + what + " with " + reply.status() + ": "
                + Fts3Json.errorMessage(reply.body());
        if (reply.status() == 401 || reply.status() == 419) {
            if (reply.status() == 419 && delegator != null) {
                delegator.invalidate();
            }
            return new TransferToolCredentialsRejected(message, null, before);
        }
        return new TransferToolRejected(transferJobId, reply.status(), message, before);
    }

    private static TransferToolException withSubmitted(TransferToolException e, List<SubmittedJob> submitted) {
        if (!e.alreadySubmitted().isEmpty()) {
            return e;
        }
        TransferToolException copy;
        if (e instanceof TransferToolRejected r) {
            copy = new TransferToolRejected(r.transferJobId(), r.status(), r.getMessage(), submitted);
        } else if (e instanceof TransferToolCredentialsRejected) {
            copy = new TransferToolCredentialsRejected(e.getMessage(), e.getCause(), submitted);
        } else {
            copy = new TransferToolUnavailable(e.getMessage(), e.getCause(), submitted);
        }
        return copy;
    }
}
