package org.stevedore.web.rse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
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

    @Test
    void anAdminRunsTheCheckAndAnyoneSeesItsFindings() throws Exception {
        Thread.sleep(5); // the listing is younger than the replicas
        var run = api.post("/rses/POSIX/consistency", Map.of());
        assertThat(run.statusCode()).as(run.body()).isEqualTo(201);
        assertThat(ApiClient.json(run)).containsEntry("state", "DONE").containsEntry("source", "posix")
                .containsEntry("missing", 1).containsEntry("dark", 1).containsEntry("dark_deleted", 0);

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
    void onlyAdminsRunItAndBadQueriesAreRefused() {
        assertError(jdoe.post("/rses/POSIX/consistency", Map.of()), 403, "AccessDenied", "update_rse");
        assertThat(runs()).isZero();
        assertError(api.get("/rses/NOSUCH/consistency"), 404, "RSENotFound", "NOSUCH");
        assertError(api.get("/rses/POSIX/consistency?kind=bogus"), 400, "InvalidObject", "kind");
        assertError(api.get("/rses/POSIX/consistency?limit=0"), 400, "InvalidObject", "limit");
    }
}
