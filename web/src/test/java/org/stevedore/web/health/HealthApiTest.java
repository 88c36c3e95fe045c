package org.stevedore.web.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stevedore.web.support.ApiClient;
import org.stevedore.web.support.ApiTest;

/**
 * The probes and health groups, without a token as an orchestrator calls them: liveness, readiness with the catalog
 * store and this process's workers (a stale heartbeat makes its worker, named, DOWN and the instance not ready), and
 * the remote group with the FTS servers and tape endpoints RSEs name (one refusing connections is UNREACHABLE there,
 * without making the instance unready).
 */
class HealthApiTest extends ApiTest {

    private final ApiClient anonymous() {
        return new ApiClient(port);
    }

    private Map<String, Object> component(Map<String, Object> health, String... path) {
        Map<String, Object> at = health;
        for (String name : path) {
            at = map(map(at.get("components")).get(name));
        }
        return at;
    }

    /** Readiness once every worker has beaten again (each test's clean-up deletes the heartbeats too). */
    private HttpResponse<String> readyAgain() throws InterruptedException {
        long deadline = System.nanoTime() + 90_000_000_000L;
        HttpResponse<String> r = anonymous().get("/actuator/health/readiness");
        while (r.statusCode() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(500);
            r = anonymous().get("/actuator/health/readiness");
        }
        return r;
    }

    @Test
    void probesAndTheWorkersHeartbeats() throws Exception {
        HttpResponse<String> live = anonymous().get("/actuator/health/liveness");
        assertThat(live.statusCode()).as(live.body()).isEqualTo(200);
        assertThat(ApiClient.json(live)).containsEntry("status", "UP");

        HttpResponse<String> ready = readyAgain();
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        Map<String, Object> health = ApiClient.json(ready);
        assertThat(map(health.get("components"))).containsKeys("catalog", "workers", "readinessState");
        assertThat(component(health, "catalog")).containsEntry("status", "UP");
        assertThat(map(component(health, "workers").get("components")))
                .containsKeys("conveyor-submitter", "conveyor-poller", "judge-cleaner", "reaper");

        // The cleaner's heartbeat is older than the timeout: the others count it dead, so does its health.
        store.run("MATCH (h:Heartbeat {executable: 'judge-cleaner'}) SET h.updated_at = 0", Map.of());
        HttpResponse<String> stale = anonymous().get("/actuator/health/readiness");
        assertThat(stale.statusCode()).as(stale.body()).isEqualTo(503);
        Map<String, Object> down = ApiClient.json(stale);
        assertThat(down).containsEntry("status", "DOWN");
        assertThat(component(down, "workers", "judge-cleaner")).containsEntry("status", "DOWN");
        assertThat(component(down, "workers", "conveyor-submitter")).containsEntry("status", "UP");
        assertThat(component(down, "catalog")).containsEntry("status", "UP");
        // Liveness stays: restarting the process is not what a stale worker of a slow store calls for.
        assertThat(anonymous().get("/actuator/health/liveness").statusCode()).isEqualTo(200);
    }

    @Test
    void remoteServersInUseAreCheckedWithoutMakingTheInstanceUnready() throws Exception {
        int refusing;
        try (ServerSocket closed = new ServerSocket(0)) {
            refusing = closed.getLocalPort();
        }
        try (ServerSocket listening = new ServerSocket(0)) {
            for (String rse : new String[] {"HEALTH_DISK", "HEALTH_TAPE"}) {
                assertThat(api.post("/rses/" + rse, Map.of()).statusCode()).isEqualTo(201);
            }
            api.post("/rses/HEALTH_DISK/attr/fts", Map.of("value", "https://localhost:" + refusing));
            api.post("/rses/HEALTH_TAPE/attr/tape_rest", Map.of("value", "https://localhost:"
                    + listening.getLocalPort()));

            HttpResponse<String> remote = anonymous().get("/actuator/health/remote");
            assertThat(remote.statusCode()).as(remote.body()).isEqualTo(503);
            Map<String, Object> health = ApiClient.json(remote);
            assertThat(health).containsEntry("status", "UNREACHABLE");
            assertThat(component(health, "fts", "localhost:" + refusing)).containsEntry("status", "UNREACHABLE");
            assertThat(component(health, "tape", "localhost:" + listening.getLocalPort()))
                    .containsEntry("status", "UP");

            HttpResponse<String> ready = readyAgain();
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            assertThat(map(ApiClient.json(ready).get("components"))).doesNotContainKeys("fts", "tape");
            // The whole health lists the unreachable server but is not brought down by it.
            Map<String, Object> all = ApiClient.json(anonymous().get("/actuator/health"));
            assertThat(all).containsEntry("status", "UP");
            assertThat(component(all, "fts", "localhost:" + refusing)).containsEntry("status", "UNREACHABLE");
        }
    }
}
