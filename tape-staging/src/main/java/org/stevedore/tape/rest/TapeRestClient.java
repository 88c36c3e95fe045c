package org.stevedore.tape.rest;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.time.Sleeper;
import org.stevedore.tape.endpoint.ArchiveInfo;
import org.stevedore.tape.endpoint.StageFile;
import org.stevedore.tape.endpoint.StageRequestStatus;
import org.stevedore.tape.endpoint.TapeEndpoint;
import org.stevedore.tape.endpoint.TapeEndpointException;

/**
 * A client of the WLCG Tape REST API v1 (dCache, EOS+CTA, StoRM) over Apache HttpClient 5, with an optional X509
 * client certificate or proxy.
 *
 * <p>The API's root differs between deployments, so it is discovered: the first call reads
 * {@code <webdav-root>/.well-known/wlcg-tape-rest-api}, takes the endpoint of version v1 and keeps it for the life
 * of the client. Then {@code POST stage} (answered 201 with a request id and a {@code Location}),
 * {@code GET stage/<id>}, {@code POST stage/<id>/cancel}, {@code POST release/<id>}, {@code DELETE stage/<id>} and
 * {@code POST archiveinfo}.
 *
 * <p>One {@link #stage} carries at most {@link TapeRestSettings#maxFilesPerRequest()} paths (200 by default, as FTS
 * sends) and refuses more; {@link #stageInBatches} splits a larger set. {@link #archiveInfo} splits by the same
 * size on its own, since asking is harmless.
 *
 * <p>Failures: 5xx, 429 and calls without an answer are retried with exponential backoff (see
 * {@link TapeRestSettings}); if they persist the {@link TapeEndpointException} is transient. 4xx are not retried and
 * are not transient; their RFC 7807 {@code title} and {@code detail} are in the message. A stage retried after a 5xx
 * or a timeout may have been accepted the first time: the tape system then holds a second request for the same
 * files, whose pins expire with their {@code diskLifetime}; that costs less than failing a recall under load.
 */
public final class TapeRestClient implements TapeEndpoint, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TapeRestClient.class);
    static final String WELL_KNOWN = "/.well-known/wlcg-tape-rest-api";

    private final TapeRestSettings settings;
    private final TapeRestHttp http;
    private volatile String endpoint;

    /** @param sleeper how to wait between retries ({@link Sleeper#real()} in service; tests record instead) */
    public TapeRestClient(TapeRestSettings settings, Sleeper sleeper) {
        this.settings = settings;
        this.http = new TapeRestHttp(settings, sleeper);
    }

    @Override
    public int maxFilesPerStage() {
        return settings.maxFilesPerRequest();
    }

    @Override
    public String stage(List<StageFile> files) {
        if (files.isEmpty()) {
            throw refused("A stage request needs at least one file");
        }
        if (files.size() > settings.maxFilesPerRequest()) {
            throw refused("A stage request takes at most " + settings.maxFilesPerRequest() + " files, got "
                    + files.size() + "; split them (stageInBatches)");
        }
        TapeRestHttp.Answer answer = http.exchange("stage", "POST", uri("/stage"), TapeRestJson.stageBody(files));
        String id = TapeRestJson.requestId(answer.body(), answer.location());
        log.info("Tape REST stage request {} at {}: {} files", id, settings.webdavRoot().getAuthority(), files.size());
        return id;
    }

    /**
     * Stages any number of files in requests of at most {@link #maxFilesPerStage()} paths, in order; returns their
     * ids. All or nothing: when one request fails, the ones already made are forgotten (best effort) and the failure
     * is thrown.
     */
    public List<String> stageInBatches(List<StageFile> files) {
        List<String> ids = new ArrayList<>();
        int size = settings.maxFilesPerRequest();
        try {
            for (int from = 0; from < files.size(); from += size) {
                ids.add(stage(files.subList(from, Math.min(files.size(), from + size))));
            }
            return ids;
        } catch (TapeEndpointException e) {
            for (String id : ids) {
                try {
                    forget(id);
                } catch (TapeEndpointException cleanup) {
                    log.warn("Tape REST: could not forget stage request {} after a failed batch: {}", id,
                            cleanup.getMessage());
                }
            }
            throw e;
        }
    }

    @Override
    public StageRequestStatus status(String requestId) {
        TapeRestHttp.Answer answer = http.exchange("status of stage request " + requestId, "GET",
                uri("/stage/" + segment(requestId)), null);
        return TapeRestJson.status(requestId, answer.body());
    }

    @Override
    public void cancel(String requestId, List<String> paths) {
        requirePaths("cancel", paths);
        http.exchange("cancel of stage request " + requestId, "POST", uri("/stage/" + segment(requestId) + "/cancel"),
                TapeRestJson.pathsBody(paths));
        log.info("Tape REST cancelled {} files of stage request {}", paths.size(), requestId);
    }

    @Override
    public void release(String requestId, List<String> paths) {
        requirePaths("release", paths);
        http.exchange("release of stage request " + requestId, "POST", uri("/release/" + segment(requestId)),
                TapeRestJson.pathsBody(paths));
        log.info("Tape REST released {} files of stage request {}", paths.size(), requestId);
    }

    @Override
    public void forget(String requestId) {
        http.exchange("delete of stage request " + requestId, "DELETE", uri("/stage/" + segment(requestId)), null);
        log.info("Tape REST deleted stage request {}", requestId);
    }

    @Override
    public List<ArchiveInfo> archiveInfo(List<String> paths) {
        List<ArchiveInfo> infos = new ArrayList<>(paths.size());
        int size = settings.maxFilesPerRequest();
        for (int from = 0; from < paths.size(); from += size) {
            List<String> chunk = paths.subList(from, Math.min(paths.size(), from + size));
            TapeRestHttp.Answer answer = http.exchange("archiveinfo", "POST", uri("/archiveinfo"),
                    TapeRestJson.pathsBody(chunk));
            infos.addAll(TapeRestJson.archiveInfo(answer.body()));
        }
        return infos;
    }

    /** The discovered v1 endpoint (discovering it on first use). */
    public String endpoint() {
        String known = endpoint;
        if (known == null) {
            URI wellKnown = URI.create(settings.webdavRoot() + WELL_KNOWN);
            TapeRestHttp.Answer answer = http.exchange("discovery", "GET", wellKnown, null);
            String uri = TapeRestJson.v1Endpoint(answer.body()).orElseThrow(() -> new TapeEndpointException(
                    "discovery: " + wellKnown + " lists no endpoint of version v1", 0, false, null));
            known = wellKnown.resolve(uri).toString().replaceAll("/+$", "");
            endpoint = known;
            log.info("Tape REST endpoint of {} is {}", settings.webdavRoot(), known);
        }
        return known;
    }

    private URI uri(String path) {
        return URI.create(endpoint() + path);
    }

    private static String segment(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void requirePaths(String operation, List<String> paths) {
        if (paths.isEmpty()) {
            throw refused("A " + operation + " needs at least one path");
        }
    }

    private static TapeEndpointException refused(String message) {
        return new TapeEndpointException(message, 400, false, null);
    }

    @Override
    public void close() throws IOException {
        http.close();
    }
}
