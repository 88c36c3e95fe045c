package org.stevedore.web.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.stevedore.web.support.ApiClient;
import org.stevedore.web.support.ApiTest;
import org.stevedore.web.support.RawHttp;

/**
 * Thousands of generated malformed requests against every endpoint Spring maps (plus the actuator, the error path
 * and unknown paths), sent over a bare socket so that nothing a client library would refuse is left out. For every
 * answer: no 5xx; every error in Rucio's shape, without Java class names or stack traces; and the store unchanged
 * (the generator gives every write a defect that must get it refused, and reads write nothing). Requests go four at a
 * time, in batches of twenty; the store's fingerprint is taken after each batch, so a change names its batch.
 *
 * <p>The run is deterministic: request {@code i} is made from the seed and {@code i} alone. The seed is printed;
 * {@code -Dfuzz.seed=...} repeats a run, {@code -Dfuzz.requests=...} changes its length, {@code -Dfuzz.only=i} sends
 * one request of it.
 */
class MalformedRequestFuzzTest extends ApiTest {

    private static final long DEFAULT_SEED = 0x18_5EED_2025L;
    private static final int DEFAULT_REQUESTS = 10_000;
    /** Requests in flight at once, and between two looks at the store. */
    private static final int THREADS = 4;
    private static final int BATCH = 20;
    /** What must never reach a caller: class names, stack frames, exception prefixes. */
    private static final Pattern LEAK = Pattern.compile(
            "\\b(?:org\\.(?:stevedore|springframework|apache|neo4j)|java\\.(?:lang|util|io|time|net)|javax?\\.|"
                    + "jakarta\\.|com\\.fasterxml|sun\\.)|\\bat [a-z]+\\.[a-zA-Z_.$]+\\(|[A-Za-z]+Exception:|"
                    + "Caused by|<html|<!doctype", Pattern.CASE_INSENSITIVE);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mapping;

    @Test
    void malformedRequestsAreRefusedInRucioShapeAndWriteNothing() throws InterruptedException {
        long seed = Long.getLong("fuzz.seed", DEFAULT_SEED);
        int count = Integer.getInteger("fuzz.requests", DEFAULT_REQUESTS);
        Integer only = Integer.getInteger("fuzz.only");
        System.out.printf("Fuzzing with seed %d (-Dfuzz.seed=%d), %d requests%n", seed, seed, count);

        Fixture fixture = fixture();
        List<Endpoint> endpoints = new ArrayList<>(Endpoint.all(mapping));
        assertThat(endpoints).hasSizeGreaterThan(80);
        endpoints.addAll(Endpoint.extras());
        RequestGenerator generator = new RequestGenerator(endpoints, fixture, seed);
        RawHttp raw = new RawHttp(port);

        long settling = System.nanoTime();
        StoreFingerprint baseline = settledFingerprint();
        System.out.printf("Fixture settled in %d ms: %s%n", (System.nanoTime() - settling) / 1_000_000, baseline.counts());
        Map<String, Integer> statuses = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        int succeededWrites = 0;
        int from = only == null ? 0 : only;
        int to = only == null ? count : only + 1;
        long started = System.nanoTime();
        ExecutorService senders = Executors.newFixedThreadPool(THREADS);
        try {
            for (int batchStart = from; batchStart < to; batchStart += BATCH) {
                List<RequestGenerator.Generated> batch = new ArrayList<>();
                List<Future<RawHttp.Answer>> answers = new ArrayList<>();
                for (int i = batchStart; i < Math.min(to, batchStart + BATCH); i++) {
                    RequestGenerator.Generated g = generator.generate(i);
                    batch.add(g);
                    answers.add(senders.submit(() -> raw.sendRaw(head(g), g.body())));
                }
                boolean allowedWrite = false;
                List<String> sent = new ArrayList<>();
                for (int k = 0; k < batch.size(); k++) {
                    RequestGenerator.Generated g = batch.get(k);
                    RawHttp.Answer a = answer(answers.get(k));
                    statuses.merge(a.status() / 100 + "xx", 1, Integer::sum);
                    boolean write = !List.of("GET", "HEAD", "OPTIONS").contains(g.method());
                    allowedWrite |= write && g.defect() == null && a.status() / 100 == 2;
                    sent.add(g.describe() + " -> " + a.status());
                    String problem = problem(g, a);
                    if (problem != null && failures.size() < 40) {
                        failures.add(problem + "\n    request " + g.describe() + "\n    answer " + a.status() + " "
                                + RequestGenerator.abbreviate(a.body()));
                    }
                }
                StoreFingerprint now = StoreFingerprint.of(store);
                if (!now.equals(baseline)) {
                    if (allowedWrite) {
                        succeededWrites++;
                    } else if (failures.size() < 40) {
                        failures.add("the store changed (" + now.differenceFrom(baseline) + ") in the batch of\n    "
                                + String.join("\n    ", sent));
                    }
                    baseline = now;
                }
            }
        } finally {
            senders.shutdownNow();
        }
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        System.out.printf("Fuzzed %d requests in %d s (seed %d): %s; %d batches with a write allowed to succeed%n",
                to - from, seconds, seed, statuses, succeededWrites);
        assertThat(failures).as("seed %d: re-run one with -Dfuzz.seed=%d -Dfuzz.only=<#>", seed, seed).isEmpty();
    }

    private static RawHttp.Answer answer(Future<RawHttp.Answer> answer) throws InterruptedException {
        try {
            return answer.get();
        } catch (ExecutionException e) {
            throw new AssertionError("The request could not be sent or answered", e.getCause());
        }
    }

    private static byte[] head(RequestGenerator.Generated g) {
        StringBuilder head = new StringBuilder(g.method()).append(' ').append(g.target()).append(" HTTP/1.1\r\n")
                .append("Host: localhost\r\nConnection: close\r\n");
        g.headers().forEach(h -> head.append(h).append("\r\n"));
        if (g.body() != null) {
            head.append("Content-Length: ").append(g.body().length).append("\r\n");
        }
        return head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** What is wrong with this answer, or null. */
    private static String problem(RequestGenerator.Generated g, RawHttp.Answer a) {
        if (a.status() >= 500) {
            return "server error " + a.status();
        }
        if (g.defect() != null && a.status() < 400) {
            // Tolerated when nothing was written (the store check says); reported so that it can be looked at.
            System.out.printf("Accepted despite %s: %s -> %d%n", g.defect(), g.describe(), a.status());
        }
        if (a.status() < 400) {
            return null;
        }
        String exceptionClass = a.header("ExceptionClass");
        if (exceptionClass == null || exceptionClass.isBlank() || a.header("ExceptionMessage") == null) {
            return "error without the ExceptionClass/ExceptionMessage headers";
        }
        if (LEAK.matcher(a.header("ExceptionMessage")).find() || LEAK.matcher(exceptionClass).find()) {
            return "internal names in the error headers";
        }
        if (g.method().equals("HEAD")) {
            return null;
        }
        JsonNode body;
        try {
            body = JSON.readTree(a.body());
        } catch (Exception e) {
            return "error body is not JSON";
        }
        if (body == null || !body.path("ExceptionClass").isTextual() || !body.path("ExceptionMessage").isTextual()
                || !body.path("ExceptionClass").asText().equals(exceptionClass)) {
            return "error body is not Rucio's shape";
        }
        if (LEAK.matcher(a.body()).find()) {
            return "internal names or a stack trace in the error body";
        }
        return null;
    }

    /** The background workers settle after the fixture's writes (the re-evaluator, the rule's locks). */
    private StoreFingerprint settledFingerprint() throws InterruptedException {
        StoreFingerprint last = StoreFingerprint.of(store);
        for (int stable = 0, rounds = 0; stable < 6 && rounds < 100; rounds++) {
            Thread.sleep(500);
            StoreFingerprint now = StoreFingerprint.of(store);
            stable = now.equals(last) ? stable + 1 : 0;
            last = now;
        }
        return last;
    }

    /**
     * Root's scope with a dataset of two files on an RSE and a rule there (its locks are satisfied, so no transfer
     * starts), a second RSE, limits and a distance; an ordinary account with its own scope.
     */
    private Fixture fixture() {
        ok(api.post("/accounts/root/scopes/fz", Map.of()));
        for (String rse : List.of("FZ_SRC", "FZ_DST")) {
            ok(api.post("/rses/" + rse, Map.of()));
            ok(api.post("/rses/" + rse + "/attr/tier", Map.of("value", "1")));
            ok(api.post("/rses/" + rse + "/protocols/file", Map.of("prefix", dataDir().resolve("fz-" + rse).toString(),
                    "domains", Map.of("wan", Map.of("read", 1, "write", 1, "delete", 1)))));
        }
        ok(api.post("/rses/FZ_SRC/distances/FZ_DST", Map.of("distance", 1)));
        ok(api.post("/dids/fz/ds", Map.of("type", "DATASET")));
        ok(api.post("/dids/fz/ds/dids", Map.of("rse", "FZ_SRC", "dids", List.of(
                Map.of("scope", "fz", "name", "f1", "bytes", 100, "adler32", "00000001"),
                Map.of("scope", "fz", "name", "f2", "bytes", 200, "adler32", "00000002")))));
        var rule = api.post("/rules/", Map.of("dids", dids("fz", "ds"), "copies", 1, "rse_expression", "FZ_SRC"));
        ok(rule);
        String ruleId = (String) ApiClient.jsonList(rule).get(0);
        ok(api.post("/accounts/root/limits/local/FZ_DST", Map.of("bytes", 1_000_000)));
        ok(api.post("/accounts/fzuser", Map.of("type", "USER")));
        ok(api.post("/accounts/fzuser/identities", Map.of("identity", "fzuser", "authtype", "USERPASS",
                "password", "pw-fzuser-1")));
        ok(api.post("/accounts/fzuser/scopes/user.fzuser", Map.of()));
        return new Fixture("fz", List.of("ds", "f1", "f2", "nope", "ds/sub"), List.of("FZ_SRC", "FZ_DST", "NOPE"),
                "fzuser", ruleId, rootToken(), token("fzuser", "pw-fzuser-1"));
    }

    private static void ok(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
    }
}
