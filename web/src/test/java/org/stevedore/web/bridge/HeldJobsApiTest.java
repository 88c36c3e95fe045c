package org.stevedore.web.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stevedore.web.support.ApiClient;
import org.stevedore.web.support.ApiTest;

/**
 * What a workflow is told over HTTP about jobs that are not to run yet or any more: why a held job is held (per input
 * file), what blocks a whole task, 410 for jobs of cancelled work, and the list of tasks.
 */
class HeldJobsApiTest extends ApiTest {

    /** Replicas of {@code names} on SRC (an RSE nothing copies from: no protocols), as root registers them. */
    private void files(String scope, String... names) {
        api.post("/rses/SRC", Map.of());
        api.post("/rses/NO_PROTOCOL", Map.of());
        api.post("/accounts/root/scopes/" + scope, Map.of());
        var r = api.post("/replicas", Map.of("rse", "SRC", "files", java.util.Arrays.stream(names).map(n -> Map.of(
                "scope", scope, "name", n, "bytes", 4096, "adler32", "00001234")).toList()));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    private void setLock(String ruleId, String file, String state, String error) {
        store.run("""
                MATCH (:Rule {id: $rule})-[l:LOCK]->(:Did {key: $file}) SET l.state = $state, l.error = $error
                """, Map.of("rule", ruleId, "file", file, "state", state, "error", error));
    }

    @Test
    void aHeldJobSaysPerInputWhyAndTheTaskSaysWhatBlocksItGroupedByReason() {
        files("bmn_run8", "f1", "f2", "f3", "f4");
        var created = api.post("/bridge/tasks", Map.of("taskId", "t-why", "inputs", List.of("bmn_run8:f1",
                "bmn_run8:f2", "bmn_run8:f3", "bmn_run8:f4"), "rseExpression", "NO_PROTOCOL", "pinLifetime", 3600,
                "jobs", List.of(Map.of("jobId", "j1", "files", List.of("bmn_run8:f1")),
                        Map.of("jobId", "j2", "files", List.of("bmn_run8:f2")),
                        Map.of("jobId", "j3", "files", List.of("bmn_run8:f3")),
                        Map.of("jobId", "j4", "files", List.of("bmn_run8:f4")),
                        Map.of("jobId", "j5", "files", List.of("bmn_run8:f1", "bmn_run8:f2")))));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String ruleId = (String) ApiClient.json(created).get("ruleId");
        // As the conveyor leaves a copy whose retries ran out, and the data-lifecycle side a file declared lost.
        setLock(ruleId, "bmn_run8:f2", "STUCK", "Destination RSE NO_PROTOCOL has no protocol to write with");
        setLock(ruleId, "bmn_run8:f3", "STUCK", "lost");
        // f4's only replica is gone (nothing else knows of it): no copy can be made from anywhere.
        store.run("MATCH (:Did {key: 'bmn_run8:f4'})-[r:REPLICA]->() DELETE r", Map.of());

        // Waiting for a transfer: still the 404 of "not yet", now with the reason and the transfer's state.
        var waiting = api.get("/bridge/jobs/j1/ready");
        assertError(waiting, 404, "JobNotReady", "1 TRANSFER");
        Map<String, Object> body = ApiClient.json(waiting);
        assertThat(body).containsEntry("jobId", "j1").containsEntry("state", "HELD").containsEntry("taskState", "ACTIVE");
        Map<String, Object> input = map(((List<?>) body.get("waitingFor")).get(0));
        assertThat(input).containsEntry("file", "bmn_run8:f1").containsEntry("reason", "TRANSFER")
                .containsEntry("rse", "NO_PROTOCOL");
        assertThat(map(input.get("transfer"))).containsKeys("state", "attempts", "error");

        // Stuck, lost, missing: nothing releases these without someone acting; 409 so pollers stop and tell.
        assertError(api.get("/bridge/jobs/j2/ready"), 409, "JobBlocked", "has no protocol");
        assertError(api.get("/bridge/jobs/j3/ready"), 409, "JobBlocked", "1 LOST");
        assertError(api.get("/bridge/jobs/j4/ready"), 409, "JobBlocked", "1 MISSING");
        var j5 = ApiClient.json(api.get("/bridge/jobs/j5/ready"));
        assertThat((List<?>) j5.get("waitingFor")).extracting(i -> map(i).get("reason"))
                .containsExactly("TRANSFER", "STUCK");

        // The job's own document says it too.
        Map<String, Object> job = ApiClient.json(api.get("/bridge/jobs/j2"));
        assertThat(job).containsEntry("state", "HELD").containsEntry("blocked", true);
        assertThat(map(((List<?>) job.get("waitingFor")).get(0))).containsEntry("reason", "STUCK")
                .containsEntry("error", "Destination RSE NO_PROTOCOL has no protocol to write with");

        // What blocks the task: one answer, grouped by reason, with the jobs each file holds.
        var blocking = api.get("/bridge/tasks/t-why/blocking");
        assertThat(blocking.statusCode()).as(blocking.body()).isEqualTo(200);
        Map<String, Object> doc = ApiClient.json(blocking);
        assertThat(doc).containsEntry("taskId", "t-why").containsEntry("heldJobs", 5);
        List<Map<String, Object>> reasons = ((List<?>) doc.get("reasons")).stream().map(ApiTest::map).toList();
        assertThat(reasons).extracting(r -> r.get("reason"))
                .containsExactlyInAnyOrder("TRANSFER", "STUCK", "LOST", "MISSING");
        Map<String, Object> stuck = reasons.stream().filter(r -> r.get("reason").equals("STUCK")).findFirst().orElseThrow();
        assertThat(stuck).containsEntry("files", 1).containsEntry("jobs", 2);
        assertThat(map(((List<?>) stuck.get("inputs")).get(0))).containsEntry("file", "bmn_run8:f2")
                .containsEntry("jobs", List.of("j2", "j5")).containsEntry("jobCount", 2);

        // Paging through one reason; bad parameters are refused naming them.
        var page = ApiClient.json(api.get("/bridge/tasks/t-why/blocking?reason=lost&limit=1"));
        assertThat((List<?>) page.get("reasons")).singleElement().satisfies(r -> assertThat(map(r))
                .containsEntry("reason", "LOST").containsEntry("next", null));
        assertError(api.get("/bridge/tasks/t-why/blocking?reason=BORED"), 400, "InvalidObject", "BORED");
        assertError(api.get("/bridge/tasks/t-why/blocking?after=bmn_run8:f1"), 400, "InvalidObject", "reason");
        assertError(api.get("/bridge/tasks/nope/blocking"), 404, "TaskNotFound", "nope");
    }

    @Test
    void aJobOfCancelledOrFailedWorkIsGoneNotReady() {
        files("bmn_run8", "g1", "g2");
        // Read where the files already are: both jobs are released at registration.
        var created = api.post("/bridge/tasks", Map.of("taskId", "t-gone", "inputs", List.of("bmn_run8:g1",
                "bmn_run8:g2"), "rseExpression", "SRC", "pinLifetime", 3600, "split", Map.of("filesPerJob", 1)));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(api.get("/bridge/jobs/t-gone-1/ready").statusCode()).isEqualTo(200);

        assertThat(api.post("/bridge/jobs/t-gone-1/end", Map.of("state", "failed")).statusCode()).isEqualTo(200);
        var failed = api.get("/bridge/jobs/t-gone-1/ready");
        assertError(failed, 410, "JobGone", "failed");
        assertThat(ApiClient.json(failed)).containsEntry("state", "FAILED").containsEntry("taskState", "ACTIVE");

        assertThat(api.post("/bridge/tasks/t-gone/cancel", Map.of()).statusCode()).isEqualTo(200);
        var cancelled = api.get("/bridge/jobs/t-gone-2/ready");
        assertError(cancelled, 410, "JobGone", "cancelled");
        assertThat(ApiClient.json(cancelled)).containsEntry("state", "CANCELLED").containsEntry("taskState", "CANCELLED");
    }

    @Test
    void tasksAreListedByAccountAndStatePagedAndEachAccountSeesItsOwn() {
        files("bmn_run8", "h1", "h2", "h3");
        api.post("/accounts/jdoe", Map.of("type", "USER"));
        api.post("/accounts/jdoe/identities", Map.of("identity", "jdoe", "authtype", "USERPASS", "password",
                "pw-jdoe-123"));
        api.post("/accounts/jdoe/scopes/user.jdoe", Map.of());
        var r = api.post("/replicas", Map.of("rse", "SRC", "files", List.of(Map.of("scope", "user.jdoe", "name", "u1",
                "bytes", 4096, "adler32", "00001234"))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        ApiClient jdoe = new ApiClient(port).withToken(token("jdoe", "pw-jdoe-123"));
        for (String t : List.of("t-a", "t-b")) {
            assertThat(api.post("/bridge/tasks", Map.of("taskId", t, "inputs", List.of("bmn_run8:h1"),
                    "rseExpression", "SRC", "split", Map.of("filesPerJob", 1))).statusCode()).isEqualTo(201);
        }
        assertThat(jdoe.post("/bridge/tasks", Map.of("taskId", "t-j", "inputs", List.of("user.jdoe:u1"),
                "rseExpression", "SRC", "split", Map.of("filesPerJob", 1))).statusCode()).isEqualTo(201);
        api.post("/bridge/tasks/t-b/cancel", Map.of());

        assertThat(ids(api.get("/bridge/tasks"))).containsExactly("t-a", "t-b", "t-j");
        assertThat(ids(api.get("/bridge/tasks?account=root&state=cancelled"))).containsExactly("t-b");
        var first = api.get("/bridge/tasks?limit=2");
        assertThat(ids(first)).containsExactly("t-a", "t-b");
        assertThat(ApiClient.json(first)).containsEntry("cursor", "t-b");
        assertThat(ids(api.get("/bridge/tasks?limit=2&after=t-b"))).containsExactly("t-j");
        Map<String, Object> listed = map(((List<?>) ApiClient.json(api.get("/bridge/tasks?account=jdoe")).get("tasks"))
                .get(0));
        assertThat(listed).containsEntry("taskId", "t-j").containsEntry("account", "jdoe").containsKey("jobCounts");

        // A user sees its own tasks only, and may not ask for another account's.
        assertThat(ids(jdoe.get("/bridge/tasks"))).containsExactly("t-j");
        assertError(jdoe.get("/bridge/tasks?account=root"), 403, "AccessDenied", "list_tasks");
        assertError(api.get("/bridge/tasks?state=BORED"), 400, "InvalidObject", "BORED");
    }

    private static List<Object> ids(java.net.http.HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return ((List<?>) ApiClient.json(r).get("tasks")).stream().map(t -> map(t).get("taskId")).toList();
    }
}
