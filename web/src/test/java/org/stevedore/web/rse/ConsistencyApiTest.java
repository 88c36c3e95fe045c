package org.stevedore.web.rse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.transfer.consistency.ConsistencyCheck;
import org.stevedore.web.support.ApiClient;
import org.stevedore.web.support.ApiTest;

class ConsistencyApiTest extends ApiTest {

    private Path root;
    private ApiClient jdoe;

    @BeforeEach
    void posixRseWithOneFileMissingAndOneDark() throws IOException {
        root = Files.createTempDirectory(dataDir(), "consistency-rse");
        api.post("/accounts/jdoe", Map.of("type", "USER"));
        api.post("/accounts/jdoe/identities", Map.of("identity", "jdoe", "authtype", "USERPASS",
                "password", "pw-jdoe-123"));
        jdoe = new ApiClient(port).withToken(token("jdoe", "pw-jdoe-123"));
        assertThat(api.post("/accounts/root/scopes/user.root", Map.of()).statusCode()).isEqualTo(201);
        assertThat(api.post("/rses/POSIX", Map.of()).statusCode()).isEqualTo(201);
        assertThat(api.post("/rses/POSIX/protocols/file", Map.of("prefix", root.toString(),
                "domains", Map.of("wan", Map.of("read", 1, "write", 1, "delete", 1)))).statusCode()).isEqualTo(201);
        var added = api.post("/replicas", Map.of("rse", "POSIX", "files", List.of(
                Map.of("scope", "user.root", "name", "here", "bytes", 1, "adler32", "0000beef",
                        "pfn", "file://" + root + "/raw/here"),
                Map.of("scope", "user.root", "name", "gone", "bytes", 1, "adler32", "0000beef",
                        "pfn", "file://" + root + "/raw/gone"))));
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        Files.createDirectories(root.resolve("raw"));
        Files.writeString(root.resolve("raw/here"), "x");
        Files.writeString(root.resolve("raw/stray"), "x");
    }

    private long runs() {
        return store.read(tx -> tx.run("MATCH (c:ConsistencyRun) RETURN count(c)").single().get(0).asLong());
    }

    /** Polls the run at {@code location} until it is no longer RUNNING; answers it. */
    private Map<String, Object> awaitRun(String location) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            var seen = api.get(location);
            assertThat(seen.statusCode()).as(seen.body()).isEqualTo(200);
            List<Map<String, Object>> runs = ApiClient.json(seen).get("runs") instanceof List<?> l
                    ? l.stream().map(ApiTest::map).toList() : List.of();
            assertThat(runs).hasSize(1);
            if (!"RUNNING".equals(runs.get(0).get("state")) || System.nanoTime() > deadline) {
                return runs.get(0);
            }
            Thread.sleep(100);
        }
    }

    @Test
    void anAdminRunsTheCheckAndAnyoneSeesItsFindings() throws Exception {
        Thread.sleep(5); // the listing is younger than the replicas
        var run = api.post("/rses/POSIX/consistency", Map.of());
        assertThat(run.statusCode()).as(run.body()).isEqualTo(202);
        Map<String, Object> started = ApiClient.json(run);
        assertThat(started).containsEntry("state", "RUNNING").containsEntry("source", "posix");
        String location = run.headers().firstValue("Location").orElseThrow();
        assertThat(location).isEqualTo("/rses/POSIX/consistency?run=" + started.get("id"));
        assertThat(awaitRun(location)).containsEntry("id", started.get("id")).containsEntry("state", "DONE")
                .containsEntry("source", "posix").containsEntry("missing", 1).containsEntry("dark", 1)
                .containsEntry("dark_deleted", 0);

        var seen = jdoe.get("/rses/POSIX/consistency?kind=dark");
        assertThat(seen.statusCode()).as(seen.body()).isEqualTo(200);
        assertThat(ApiClient.json(seen)).containsEntry("dark", List.of("raw/stray"));
        assertThat(ApiClient.json(api.get("/rses/POSIX/consistency?kind=missing"))).containsEntry("missing",
                List.of("raw/gone"));
        List<Map<String, Object>> bad = ApiClient.docs(api.get("/replicas/bad/states?rse=POSIX"));
        assertThat(bad).singleElement().satisfies(d -> assertThat(d).containsEntry("name", "gone")
                .containsEntry("reason", "consistency check"));
        assertThat(root.resolve("raw/stray")).exists();
    }

    @Test
    void aSecondRunWhileOneIsUnderWayIsRefusedButOneLeftByADeadProcessIsNot() throws Exception {
        long now = System.currentTimeMillis();
        // A run under way, in this process or another: it said it was alive a moment ago.
        store.run("""
                MATCH (r:Rse {rse: 'POSIX'})
                CREATE (:ConsistencyRun {id: 'other', rse_id: r.id, rse: 'POSIX', source: 'posix', state: 'RUNNING',
                                         started_at: $now, heartbeat_at: $now, listed_at: $now})
                """, Map.of("now", now));
        assertError(api.post("/rses/POSIX/consistency", Map.of()), 409, "Duplicate", "run other");
        assertThat(runs()).isEqualTo(1);

        // Its process died: no sign of life for longer than the stale time. It is ended FAILED and a new run starts.
        long old = now - ConsistencyCheck.STALE.toMillis() - 60_000;
        store.run("MATCH (c:ConsistencyRun {id: 'other'}) SET c.started_at = $old, c.heartbeat_at = $old",
                Map.of("old", old));
        var run = api.post("/rses/POSIX/consistency", Map.of());
        assertThat(run.statusCode()).as(run.body()).isEqualTo(202);
        assertThat(awaitRun(run.headers().firstValue("Location").orElseThrow())).containsEntry("state", "DONE");
        assertThat(ApiClient.json(api.get("/rses/POSIX/consistency?run=other")).get("runs")).asList()
                .singleElement().satisfies(r -> assertThat(map(r)).containsEntry("state", "FAILED")
                        .extracting(m -> m.get("error")).asString().contains("interrupted"));
        assertError(api.get("/rses/POSIX/consistency?run=nosuch"), 404, "ConsistencyRunNotFound", "nosuch");
    }

    @Test
    void onlyAdminsRunItAndBadQueriesAreRefused() {
        assertError(jdoe.post("/rses/POSIX/consistency", Map.of()), 403, "AccessDenied", "update_rse");
        assertThat(runs()).isZero();
        assertError(api.get("/rses/NOSUCH/consistency"), 404, "RSENotFound", "NOSUCH");
        assertError(api.get("/rses/POSIX/consistency?kind=bogus"), 400, "InvalidObject", "kind");
        assertError(api.get("/rses/POSIX/consistency?limit=0"), 400, "InvalidObject", "limit");
    }
}
