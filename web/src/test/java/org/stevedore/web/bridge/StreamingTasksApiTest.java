package org.stevedore.web.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.zip.Adler32;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.rse.Lfn2Pfn;
import org.stevedore.web.support.ApiClient;
import org.stevedore.web.support.ApiTest;

/**
 * Streaming tasks over HTTP (the SPD online filter): a task over an open dataset gets a job per {@code filesPerJob}
 * files attached later, each file exactly once, released as the application's own conveyor copies the files; the task
 * finishes once the dataset is closed and every job has ended.
 */
class StreamingTasksApiTest extends ApiTest {

    private static final Duration SOON = Duration.ofSeconds(30);

    private Path root;

    /** Two posix RSEs; files {@code spd_run1:f01..fNN} with real bytes on POSIX_A, attached to nothing yet. */
    @BeforeEach
    void grid() throws Exception {
        root = dataDir().resolve("stream-" + System.nanoTime());
        for (String rse : List.of("POSIX_A", "POSIX_B")) {
            assertThat(api.post("/rses/" + rse, Map.of()).statusCode()).isEqualTo(201);
            assertThat(api.post("/rses/" + rse + "/protocols/file", Map.of("prefix", root.resolve(rse).toString(),
                    "domains", Map.of("wan", Map.of("read", 1, "write", 1, "delete", 1)))).statusCode()).isEqualTo(201);
        }
        api.post("/accounts/root/scopes/spd_run1", Map.of());
        List<Map<String, Object>> files = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            String name = "f%02d".formatted(i);
            byte[] content = ("event data " + i + "\n").repeat(500).getBytes(StandardCharsets.UTF_8);
            Path source = root.resolve("POSIX_A").resolve(Lfn2Pfn.hash("spd_run1", name));
            Files.createDirectories(source.getParent());
            Files.write(source, content);
            Adler32 adler = new Adler32();
            adler.update(content);
            files.add(Map.of("scope", "spd_run1", "name", name, "bytes", content.length,
                    "adler32", "%08x".formatted(adler.getValue())));
        }
        var r = api.post("/replicas", Map.of("rse", "POSIX_A", "files", files));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    private void attach(String dataset, String... names) {
        var r = api.post("/dids/spd_run1/" + dataset + "/dids", Map.of("ignore_duplicate", true, "dids",
                java.util.Arrays.stream(names).map(n -> Map.of("scope", "spd_run1", "name", n)).toList()));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    private void close(String dataset) {
        var r = api.put("/dids/spd_run1/" + dataset + "/status", Map.of("open", false));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private Map<String, Object> task(String id) {
        return ApiClient.json(api.get("/bridge/tasks/" + id));
    }

    /** The task's jobs in any state, by id, with their files. */
    private Map<String, Object> jobs(String id) {
        Map<String, Object> out = new java.util.TreeMap<>();
        for (String state : List.of("HELD", "RELEASED", "DONE", "FAILED", "CANCELLED")) {
            ((List<?>) ApiClient.json(api.get("/bridge/tasks/" + id + "/jobs?state=" + state)).get("jobs"))
                    .forEach(j -> out.put((String) map(j).get("jobId"), map(j).get("files")));
        }
        return out;
    }

    private static void until(String what, Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + SOON.toNanos();
        while (!condition.get()) {
            assertThat(System.nanoTime()).as("waited %s for %s", SOON, what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private void end(String jobId) throws InterruptedException {
        until(jobId + " released", () -> api.get("/bridge/jobs/" + jobId + "/ready").statusCode() == 200);
        var r = api.post("/bridge/jobs/" + jobId + "/end", Map.of("state", "done"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void aStreamingTaskGetsOneJobPerNewFilesExactlyOnceUntilItsDatasetClosesThenFinishes() throws Exception {
        assertThat(api.post("/dids/spd_run1/run", Map.of("type", "DATASET")).statusCode()).isEqualTo(201);
        attach("run", "f01");
        var created = api.post("/bridge/tasks", Map.of("taskId", "spd-filter", "inputs", List.of("spd_run1:run"),
                "rseExpression", "POSIX_B", "pinLifetime", 3600, "streaming", true, "split", Map.of("filesPerJob", 2)));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        // One file of two: it waits for the next one rather than making a short job.
        assertThat(ApiClient.json(created)).containsEntry("streaming", true).containsEntry("state", "ACTIVE");
        assertThat((List<?>) ApiClient.json(created).get("jobs")).isEmpty();

        attach("run", "f02", "f03");
        until("job 1", () -> jobs("spd-filter").size() == 1);
        assertThat(jobs("spd-filter")).containsEntry("spd-filter-1", List.of("spd_run1:f01", "spd_run1:f02"));
        // Attached twice (ignore_duplicate), and one more: one job for the pair.
        attach("run", "f03", "f04");
        until("job 2", () -> jobs("spd-filter").size() == 2);
        assertThat(jobs("spd-filter")).containsEntry("spd-filter-2", List.of("spd_run1:f03", "spd_run1:f04"));
        // The conveyor copies the new jobs' files to POSIX_B and the gate releases them.
        var feed = ApiClient.json(api.get("/bridge/tasks/spd-filter/jobs?wait=30s"));
        assertThat((List<?>) feed.get("jobs")).isNotEmpty();
        end("spd-filter-1");
        assertThat(task("spd-filter")).containsEntry("state", "ACTIVE");

        // Detached and attached again with a new file: f04 has its job; f05 waits for a partner.
        var detached = api.delete("/dids/spd_run1/run/dids", Map.of("dids", List.of(Map.of("scope", "spd_run1",
                "name", "f04"))));
        assertThat(detached.statusCode()).as(detached.body()).isEqualTo(200);
        attach("run", "f04", "f05");
        Thread.sleep(3_000);
        assertThat(jobs("spd-filter")).hasSize(2);
        end("spd-filter-2");
        // Every job ended, but the dataset is open: the run goes on.
        assertThat(task("spd-filter")).containsEntry("state", "ACTIVE");

        // Closing the run: the rest makes a last, short job; the task finishes with it.
        close("run");
        until("job 3", () -> jobs("spd-filter").size() == 3);
        assertThat(jobs("spd-filter")).containsEntry("spd-filter-3", List.of("spd_run1:f05"));
        end("spd-filter-3");
        Map<String, Object> done = task("spd-filter");
        assertThat(done).containsEntry("state", "FINISHED");
        assertThat(map(done.get("jobCounts"))).containsEntry("DONE", 3);
        assertThat(ApiClient.json(api.get("/rules/" + done.get("ruleId"))).get("ExceptionClass"))
                .isEqualTo("RuleNotFound");
    }

    @Test
    void aStreamingTaskWhoseJobsHaveAllEndedFinishesWhenItsDatasetCloses() throws Exception {
        assertThat(api.post("/dids/spd_run1/empty", Map.of("type", "DATASET")).statusCode()).isEqualTo(201);
        var created = api.post("/bridge/tasks", Map.of("taskId", "spd-empty", "inputs", List.of("spd_run1:empty"),
                "rseExpression", "POSIX_B", "streaming", true, "split", Map.of("filesPerJob", 1)));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        Thread.sleep(3_000);
        assertThat(task("spd-empty")).containsEntry("state", "ACTIVE");
        close("empty");
        until("finished", () -> "FINISHED".equals(task("spd-empty").get("state")));
    }

    @Test
    void overAClosedDatasetOrWithoutStreamingATaskGetsItsJobsAtRegistrationOnly() throws Exception {
        assertThat(api.post("/dids/spd_run1/closed", Map.of("type", "DATASET")).statusCode()).isEqualTo(201);
        attach("closed", "f01", "f02", "f03");
        close("closed");
        var streaming = api.post("/bridge/tasks", Map.of("taskId", "t-closed", "inputs", List.of("spd_run1:closed"),
                "rseExpression", "POSIX_B", "streaming", true, "split", Map.of("filesPerJob", 2)));
        assertThat(streaming.statusCode()).as(streaming.body()).isEqualTo(201);
        assertThat((List<?>) ApiClient.json(streaming).get("jobs")).hasSize(2);

        assertThat(api.post("/dids/spd_run1/open", Map.of("type", "DATASET")).statusCode()).isEqualTo(201);
        attach("open", "f04");
        var plain = api.post("/bridge/tasks", Map.of("taskId", "t-plain", "inputs", List.of("spd_run1:open"),
                "rseExpression", "POSIX_B", "split", Map.of("filesPerJob", 2)));
        assertThat(plain.statusCode()).as(plain.body()).isEqualTo(201);
        assertThat(ApiClient.json(plain)).containsEntry("streaming", false);
        attach("open", "f05", "f06");
        Thread.sleep(3_000);
        assertThat(jobs("t-plain")).containsOnlyKeys("t-plain-1");
        end("t-plain-1");
        assertThat(task("t-plain")).containsEntry("state", "FINISHED");
        assertThat(jobs("t-closed")).containsOnlyKeys("t-closed-1", "t-closed-2");
    }

    @Test
    void aStreamingTaskNeedsASplit() {
        assertThat(api.post("/dids/spd_run1/run", Map.of("type", "DATASET")).statusCode()).isEqualTo(201);
        long before = graphSize();
        assertError(api.post("/bridge/tasks", Map.of("taskId", "t-bad", "inputs", List.of("spd_run1:run"),
                "rseExpression", "POSIX_B", "streaming", true, "jobs", List.of(Map.of("jobId", "j", "files",
                        List.of("spd_run1:f01"))))), 400, "InvalidObject", "split");
        assertThat(graphSize()).isEqualTo(before);
    }
}
