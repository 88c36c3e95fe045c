package org.stevedore.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A tape system behind the WLCG Tape REST API v1 (discovery under {@code /.well-known/wlcg-tape-rest-api}, then
 * {@code stage}, {@code stage/<id>}, {@code stage/<id>/cancel}, {@code DELETE stage/<id>}, {@code release/<id>},
 * {@code archiveinfo}), small but real: it keeps its requests, brings each file ONLINE a fixed delay after the first
 * request that asked for it (as a drive would after its mount), answers 404 for a request it does not know and a
 * failed file for a path it does not hold, refuses callers without the bearer token, and counts how often each file
 * was asked for and when the service's instances called, which is what the scale-out test checks: every file asked
 * for once, whatever instance died on the way.
 */
final class TapeRestServer implements AutoCloseable {

    private static final String API = "/api/v1";

    /** One file of a stage request, as the tape sees it. */
    private record RequestedFile(String path, long onlineAt, String error) {
    }

    /** A stage request: its files and when it came. */
    private record StageRequest(String id, long createdAt, List<RequestedFile> files) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final Set<String> holds;
    private final long onlineDelayMillis;
    private final String token;
    private final Map<String, StageRequest> requests = new HashMap<>();
    /** When each file first comes online: a file asked for again joins the recall already running. */
    private final Map<String, Long> onlineAt = new HashMap<>();
    private final Map<String, Integer> stageCounts = new LinkedHashMap<>();
    private final List<Long> calls = new ArrayList<>();
    private long lastStageAt;
    private int stagesInFlight;

    /**
     * @param holds       the site paths of the files on this tape
     * @param onlineDelay how long after it is first asked for a file is on disk
     * @param token       the bearer token callers must send
     */
    TapeRestServer(Set<String> holds, Duration onlineDelay, String token) {
        this.holds = Set.copyOf(holds);
        this.onlineDelayMillis = onlineDelay.toMillis();
        this.token = token;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The storage's WebDAV root, the RSE's {@code tape_rest} attribute: the API is discovered under it. */
    String root() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    /** How many stage requests named each file, by site path. */
    synchronized Map<String, Integer> stageCounts() {
        return Map.copyOf(stageCounts);
    }

    /** When the API was called (epoch milliseconds), discovery aside: the campaign job's footprints. */
    synchronized List<Long> calls() {
        return List.copyOf(calls);
    }

    /** Whether no stage request is being answered and none came in the last {@code quiet}. */
    synchronized boolean stagesQuietFor(Duration quiet) {
        return stagesInFlight == 0 && System.currentTimeMillis() - lastStageAt >= quiet.toMillis();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            if ("/.well-known/wlcg-tape-rest-api".equals(path) && "GET".equals(method)) {
                ObjectNode doc = Http.JSON.createObjectNode().put("sitename", "E2E-TAPE")
                        .put("description", "the scale-out test's tape");
                doc.putArray("endpoints").addObject().put("uri", root() + API).put("version", "v1")
                        .putObject("metadata");
                send(exchange, 200, doc);
                return;
            }
            if (!("Bearer " + token).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                send(exchange, 401, problem("Unauthorized", "a bearer token is required"));
                return;
            }
            synchronized (this) {
                calls.add(System.currentTimeMillis());
            }
            JsonNode json = body.length == 0 ? Http.JSON.createObjectNode() : Http.JSON.readTree(body);
            if ((API + "/stage").equals(path) && "POST".equals(method)) {
                stage(exchange, json);
            } else if (path.startsWith(API + "/stage/") && path.endsWith("/cancel") && "POST".equals(method)) {
                known(exchange, path.substring((API + "/stage/").length(), path.length() - "/cancel".length()));
            } else if (path.startsWith(API + "/stage/") && "GET".equals(method)) {
                status(exchange, path.substring((API + "/stage/").length()));
            } else if (path.startsWith(API + "/stage/") && "DELETE".equals(method)) {
                String id = path.substring((API + "/stage/").length());
                boolean removed;
                synchronized (this) {
                    removed = requests.remove(id) != null;
                }
                sendEmpty(exchange, removed ? 200 : 404);
            } else if (path.startsWith(API + "/release/") && "POST".equals(method)) {
                known(exchange, path.substring((API + "/release/").length()));
            } else if ((API + "/archiveinfo").equals(path) && "POST".equals(method)) {
                ArrayNode answer = Http.JSON.createArrayNode();
                for (JsonNode p : json.path("paths")) {
                    ObjectNode file = answer.addObject().put("path", p.asText());
                    if (holds.contains(p.asText())) {
                        file.put("locality", "TAPE");
                    } else {
                        file.put("error", "USER ERROR: file does not exist");
                    }
                }
                send(exchange, 200, answer);
            } else {
                send(exchange, 404, problem("Not found", method + " " + path));
            }
        } catch (RuntimeException e) {
            send(exchange, 500, problem("Internal error", String.valueOf(e)));
        } finally {
            exchange.close();
        }
    }

    private void stage(HttpExchange exchange, JsonNode json) throws IOException {
        JsonNode files = json.path("files");
        if (!files.isArray() || files.isEmpty()) {
            send(exchange, 400, problem("Bad request", "a stage request needs files"));
            return;
        }
        StageRequest request;
        synchronized (this) {
            stagesInFlight++;
            long now = System.currentTimeMillis();
            List<RequestedFile> requested = new ArrayList<>();
            for (JsonNode f : files) {
                String p = f.path("path").asText();
                stageCounts.merge(p, 1, Integer::sum);
                if (holds.contains(p)) {
                    requested.add(new RequestedFile(p, onlineAt.computeIfAbsent(p, x -> now + onlineDelayMillis),
                            null));
                } else {
                    requested.add(new RequestedFile(p, Long.MAX_VALUE, "USER ERROR: file does not exist"));
                }
            }
            request = new StageRequest(UUID.randomUUID().toString(), now, List.copyOf(requested));
            requests.put(request.id(), request);
        }
        try {
            exchange.getResponseHeaders().add("Location", root() + API + "/stage/" + request.id());
            send(exchange, 201, Http.JSON.createObjectNode().put("requestId", request.id()));
        } finally {
            synchronized (this) {
                stagesInFlight--;
                lastStageAt = System.currentTimeMillis();
            }
        }
    }

    private void status(HttpExchange exchange, String id) throws IOException {
        StageRequest request;
        synchronized (this) {
            request = requests.get(id);
        }
        if (request == null) {
            send(exchange, 404, problem("Not found", "no stage request " + id));
            return;
        }
        long now = System.currentTimeMillis();
        ObjectNode doc = Http.JSON.createObjectNode().put("id", request.id()).put("createdAt", request.createdAt())
                .put("startedAt", request.createdAt());
        ArrayNode files = doc.putArray("files");
        boolean done = true;
        for (RequestedFile f : request.files()) {
            ObjectNode file = files.addObject().put("path", f.path());
            if (f.error() != null) {
                file.put("state", "FAILED").put("onDisk", false).put("error", f.error());
            } else if (now >= f.onlineAt()) {
                file.put("state", "COMPLETED").put("onDisk", true).put("finishedAt", f.onlineAt());
            } else {
                file.put("state", "STARTED").put("onDisk", false);
                done = false;
            }
        }
        if (done) {
            doc.put("completedAt", now);
        }
        send(exchange, 200, doc);
    }

    private void known(HttpExchange exchange, String id) throws IOException {
        boolean known;
        synchronized (this) {
            known = requests.containsKey(id);
        }
        if (known) {
            sendEmpty(exchange, 200);
        } else {
            send(exchange, 404, problem("Not found", "no stage request " + id));
        }
    }

    private static ObjectNode problem(String title, String detail) {
        return Http.JSON.createObjectNode().put("title", title).put("detail", detail);
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", status >= 400 ? "application/problem+json"
                : "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sendEmpty(HttpExchange exchange, int status) throws IOException {
        exchange.sendResponseHeaders(status, -1);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
