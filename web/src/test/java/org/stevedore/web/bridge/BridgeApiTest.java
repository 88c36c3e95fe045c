package org.stevedore.web.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.Adler32;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.rse.Lfn2Pfn;
import org.stevedore.web.support.ApiClient;
import org.stevedore.web.support.ApiTest;

/** The bridge over HTTP, with the application's own conveyor moving real bytes and its release worker releasing. */
class BridgeApiTest extends ApiTest {

    private Path root;

    /** Two posix RSEs; {@code n} real files on POSIX_A in dataset {@code bmn_run8:ds}; answers their DIDs. */
    private List<String> grid(int n) throws Exception {
        root = dataDir().resolve("bridge-" + System.nanoTime());
        for (String rse : List.of("POSIX_A", "POSIX_B")) {
            assertThat(api.post("/rses/" + rse, Map.of()).statusCode()).isEqualTo(201);
            assertThat(api.post("/rses/" + rse + "/protocols/file", Map.of("prefix", root.resolve(rse).toString(),
                    "domains", Map.of("wan", Map.of("read", 1, "write", 1, "delete", 1)))).statusCode()).isEqualTo(201);
        }
        api.post("/accounts/root/scopes/bmn_run8", Map.of());
        api.post("/dids/bmn_run8/ds", Map.of("type", "DATASET"));
        List<String> dids = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = "raw.000" + i;
            byte[] content = ("event data " + i + "\n").repeat(1000).getBytes(StandardCharsets.UTF_8);
            Path source = root.resolve("POSIX_A").resolve(Lfn2Pfn.hash("bmn_run8", name));
            Files.createDirectories(source.getParent());
            Files.write(source, content);
            Adler32 adler = new Adler32();
            adler.update(content);
            var r = api.post("/dids/bmn_run8/ds/dids", Map.of("rse", "POSIX_A", "dids", List.of(Map.of(
                    "scope", "bmn_run8", "name", name, "bytes", content.length,
                    "adler32", "%08x".formatted(adler.getValue())))));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            dids.add("bmn_run8:" + name);
        }
        return dids;
    }

    @Test
    void aJobIsNotReadyUntilItsInputLandsThenTheFeedAndReadyShowItAndItsEndUnpins() throws Exception {
        List<String> dids = grid(1);
        var created = api.post("/bridge/tasks", Map.of("taskId", "dag_run:manual__1", "inputs", List.of("bmn_run8:ds"),
                "rseExpression", "POSIX_B", "pinLifetime", "PT2H", "priority", 4, "split", Map.of("filesPerJob", 1)));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        Map<String, Object> task = ApiClient.json(created);
        assertThat(task).containsEntry("taskId", "dag_run:manual__1").containsEntry("pinLifetime", 7200)
                .containsEntry("priority", 4).containsEntry("state", "ACTIVE");
        String jobId = (String) map(((List<?>) task.get("jobs")).get(0)).get("jobId");
        assertThat(jobId).isEqualTo("dag_run:manual__1-1");

        // The long-poll answers as soon as the conveyor has copied the file and the gate has released the job.
        var feed = api.get("/bridge/tasks/" + ApiClient.seg("dag_run:manual__1") + "/jobs?wait=60s");
        assertThat(feed.statusCode()).as(feed.body()).isEqualTo(200);
        Map<String, Object> page = ApiClient.json(feed);
        assertThat((List<?>) page.get("jobs")).singleElement().satisfies(j -> assertThat(map(j))
                .containsEntry("jobId", jobId).containsEntry("seq", 1).containsEntry("files", dids));
        assertThat(page).containsEntry("cursor", "1");
        var nothingNew = ApiClient.json(api.get("/bridge/tasks/" + ApiClient.seg("dag_run:manual__1")
                + "/jobs?after=1&wait=200ms"));
        assertThat((List<?>) nothingNew.get("jobs")).isEmpty();
        assertThat(nothingNew).containsEntry("cursor", "1");

        var ready = api.get("/bridge/jobs/" + ApiClient.seg(jobId) + "/ready");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        Map<String, Object> input = map(((List<?>) ApiClient.json(ready).get("inputs")).get(0));
        assertThat(input).containsEntry("name", "raw.0000");
        Map<String, Object> replica = map(((List<?>) input.get("replicas")).get(0));
        assertThat(replica).containsEntry("rse", "POSIX_B");
        assertThat((List<?>) replica.get("pfns")).singleElement().asString().startsWith("file://")
                .contains("POSIX_B");

        var end = api.post("/bridge/jobs/" + ApiClient.seg(jobId) + "/end", Map.of("state", "done"));
        assertThat(end.statusCode()).as(end.body()).isEqualTo(200);
        assertThat(ApiClient.json(end)).containsEntry("state", "DONE").containsEntry("taskState", "FINISHED");
        assertThat(ApiClient.json(api.get("/rules/" + task.get("ruleId"))).get("ExceptionClass"))
                .isEqualTo("RuleNotFound");
    }

    @Test
    void aReplicaAddedAvailableThroughTheApiReleasesItsJobWithoutTheFullCheck() throws Exception {
        // No protocols: nothing copies files there, so only the replica registered below can release the job.
        for (String rse : List.of("DIRECT_A", "DIRECT_B", "DIRECT_SRC")) {
            assertThat(api.post("/rses/" + rse, Map.of()).statusCode()).isEqualTo(201);
        }
        api.post("/accounts/root/scopes/bmn_run8", Map.of());
        var source = api.post("/replicas", Map.of("rse", "DIRECT_SRC", "files", List.of(Map.of("scope", "bmn_run8",
                "name", "direct.0001", "bytes", 4096, "adler32", "00001234"))));
        assertThat(source.statusCode()).as(source.body()).isEqualTo(201);
        var created = api.post("/bridge/tasks", Map.of("taskId", "t-direct", "inputs", List.of("bmn_run8:direct.0001"),
                "rseExpression", "DIRECT_A|DIRECT_B", "pinLifetime", 3600, "jobs", List.of(Map.of("jobId", "direct-1",
                        "files", List.of("bmn_run8:direct.0001")))));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertError(api.get("/bridge/jobs/direct-1/ready"), 404, "JobNotReady", "direct-1");
        // The task's pin rule is copying the file to one of the two; register it on the other, as rucio add_replicas.
        String ruleId = (String) ApiClient.json(created).get("ruleId");
        String copying = (String) ApiClient.docs(api.get("/rules/" + ruleId + "/locks")).get(0).get("rse");
        String other = copying.equals("DIRECT_A") ? "DIRECT_B" : "DIRECT_A";

        var added = api.post("/replicas", Map.of("rse", other, "files", List.of(Map.of("scope", "bmn_run8",
                "name", "direct.0001", "bytes", 4096, "adler32", "00001234"))));
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);

        // The full check runs once an hour in these tests (ApiTest): the release comes from the registration's event.
        var feed = ApiClient.json(api.get("/bridge/tasks/t-direct/jobs?wait=30s"));
        assertThat((List<?>) feed.get("jobs")).singleElement().satisfies(j -> assertThat(map(j))
                .containsEntry("jobId", "direct-1"));
        assertThat(api.get("/bridge/jobs/direct-1/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void readyIsA404UntilReleasedAndAnUnknownJobIsA404Too() throws Exception {
        grid(1);
        // POSIX_A is not where jobs read; nothing will copy to a read RSE that has no protocol.
        api.post("/rses/NO_PROTOCOL", Map.of());
        var created = api.post("/bridge/tasks", Map.of("taskId", "t-held", "inputs", List.of("bmn_run8:raw.0000"),
                "rseExpression", "NO_PROTOCOL", "pinLifetime", 3600, "jobs", List.of(Map.of("jobId", "held-1",
                        "files", List.of("bmn_run8:raw.0000")))));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertError(api.get("/bridge/jobs/held-1/ready"), 404, "JobNotReady", "held-1");
        assertError(api.get("/bridge/jobs/nope/ready"), 404, "JobNotFound", "nope");
        assertError(api.get("/bridge/tasks/nope"), 404, "TaskNotFound", "nope");
        assertError(api.get("/bridge/tasks/t-held/jobs?wait=soon"), 400, "InvalidObject", "wait");
        assertError(api.get("/bridge/tasks/t-held/jobs?state=BORED"), 400, "InvalidObject", "BORED");
        assertError(api.post("/bridge/jobs/held-1/end", Map.of("state", "done")), 409, "InvalidJobState",
                "not released yet");
        assertError(api.post("/bridge/jobs/held-1/end", Map.of("state", "finished")), 400, "InvalidObject", "finished");

        var again = api.post("/bridge/tasks", Map.of("taskId", "t-held", "inputs", List.of("bmn_run8:raw.0000"),
                "rseExpression", "NO_PROTOCOL", "pinLifetime", 3600, "jobs", List.of(Map.of("jobId", "held-1",
                        "files", List.of("bmn_run8:raw.0000")))));
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);

        var cancelled = api.post("/bridge/tasks/t-held/cancel", Map.of());
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
        assertThat(ApiClient.json(cancelled)).containsEntry("state", "CANCELLED");
        assertError(api.get("/bridge/jobs/held-1/ready"), 410, "JobGone", "cancelled");
    }

    @Test
    void badRegistrationsAreRefusedNamingTheProblemAndWriteNothing() throws Exception {
        grid(2);
        // The attachments above are queued for the rules' re-evaluator, which empties its queue on its own schedule.
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (store.read(tx -> tx.run("MATCH (u:UpdatedDid) RETURN count(u) AS n").single().get("n").asLong()) > 0
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        long before = graphSize();
        assertError(api.post("/bridge/tasks", Map.of("taskId", "t1", "inputs", List.of("bmn_run8:ds", "bmn_run8:gone"),
                "rseExpression", "POSIX_B", "split", Map.of("filesPerJob", 1))), 404, "DataIdentifierNotFound",
                "bmn_run8:gone");
        assertError(api.post("/bridge/tasks", Map.of("taskId", "t1", "inputs", List.of("bmn_run8:raw.0000"),
                "rseExpression", "POSIX_B", "jobs", List.of(Map.of("jobId", "j1", "files", List.of("bmn_run8:raw.0001"))))),
                400, "InvalidObject", "bmn_run8:raw.0001");
        assertError(api.post("/bridge/tasks", Map.of("taskId", "t1", "inputs", List.of("bmn_run8:ds"),
                "rseExpression", "POSIX_B", "jobs", List.of(Map.of("jobId", "j1", "files", List.of("bmn_run8:raw.0000")),
                        Map.of("jobId", "j1", "files", List.of("bmn_run8:raw.0001"))))), 400, "InvalidObject", "j1");
        assertError(api.post("/bridge/tasks", Map.of("taskId", "t1", "inputs", List.of("bmn_run8:ds"),
                "rseExpression", "POSIX_B", "pinLifetime", "a while", "split", Map.of("filesPerJob", 1))), 400,
                "InvalidObject", "pinLifetime");
        assertError(api.post("/bridge/tasks", Map.of("taskId", "t1", "inputs", List.of("bmn_run8:ds"),
                "rseExpression", "POSIX_B", "split", Map.of("filesPerJob", 1), "webhook", Map.of("url", "ftp://x"))), 400,
                "InvalidObject", "webhook.url");
        assertError(api.postRaw("/bridge/tasks", "{\"taskId\": \"t1\", \"inputs\": \"bmn_run8:ds\"}"), 400,
                "InvalidObject", "inputs");
        assertThat(graphSize()).isEqualTo(before);
    }

    @Test
    void onlyTheScopesOwnerOrTheTasksAccountMayRegisterReportAndCancel() throws Exception {
        grid(1);
        api.post("/accounts/jdoe", Map.of("type", "USER"));
        api.post("/accounts/jdoe/identities", Map.of("identity", "jdoe", "authtype", "USERPASS", "password", "pw-jdoe-123"));
        ApiClient jdoe = new ApiClient(port).withToken(token("jdoe", "pw-jdoe-123"));
        assertError(jdoe.post("/bridge/tasks", Map.of("taskId", "t1", "inputs", List.of("bmn_run8:ds"),
                "rseExpression", "POSIX_B", "split", Map.of("filesPerJob", 1))), 403, "AccessDenied", "register_task");
        assertThat(api.post("/bridge/tasks", Map.of("taskId", "t1", "inputs", List.of("bmn_run8:ds"),
                "rseExpression", "POSIX_B", "split", Map.of("filesPerJob", 1))).statusCode()).isEqualTo(201);
        assertError(jdoe.post("/bridge/tasks/t1/cancel", Map.of()), 403, "AccessDenied", "cancel_task");
        assertError(jdoe.post("/bridge/jobs/t1-1/end", Map.of("state", "cancelled")), 403, "AccessDenied",
                "report_job");
        assertThat(jdoe.get("/bridge/tasks/t1").statusCode()).isEqualTo(200);
    }

    @Test
    void waitParsesTheUsualSpellings() {
        assertThat(BridgeController.waitDuration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(BridgeController.waitDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(BridgeController.waitDuration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(BridgeController.waitDuration("15")).isEqualTo(Duration.ofSeconds(15));
        assertThat(BridgeController.waitDuration("PT1M")).isEqualTo(Duration.ofMinutes(1));
        assertThat(BridgeController.waitDuration(null)).isZero();
    }
}
