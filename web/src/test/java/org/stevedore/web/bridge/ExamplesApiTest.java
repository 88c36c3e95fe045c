package org.stevedore.web.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.web.support.ApiClient;
import org.stevedore.web.support.ApiTest;

/**
 * The Python examples run against the service: the Airflow example's token handling (Airflow itself cannot be
 * installed on a machine without PyPI; its DAG only wires these functions into operators) and the PanDA-style pull
 * loop. Skipped where there is no python3.
 */
class ExamplesApiTest extends ApiTest {

    private static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();

    @BeforeEach
    void needsPython() {
        assumeTrue(python() != null, "python3 is not installed");
    }

    @Test
    void theAirflowExamplesTokensAreRenewedAgainstTheService() throws Exception {
        Result r = run(List.of(python(), EXAMPLES.resolve("airflow/test_stevedore_auth.py").toString(), "-v"));
        assertThat(r.code()).as(r.output()).isZero();
        // The live test ran (not skipped for want of a service) and passed with the others.
        assertThat(r.output()).contains("Ran 4 tests").contains("OK").doesNotContain("skipped")
                .containsPattern("test_an_expired_or_revoked_token_is_replaced_by_a_new_login .*\\.\\.\\. ok");
    }

    @Test
    void thePullLoopRunsEveryJobOfATaskAndReportsItsOutputs() throws Exception {
        api.post("/rses/SRC", Map.of());
        api.post("/accounts/root/scopes/bmn_run8", Map.of());
        api.post("/dids/bmn_run8/ds", Map.of("type", "DATASET"));
        List<Map<String, Object>> files = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            files.add(Map.of("scope", "bmn_run8", "name", "raw." + i, "bytes", 4096, "adler32", "00001234"));
        }
        var added = api.post("/dids/bmn_run8/ds/dids", Map.of("rse", "SRC", "dids", files));
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);

        Result r = run(List.of(python(), EXAMPLES.resolve("pull/pull_loop.py").toString(), "--url",
                "http://localhost:" + port, "--account", "root", "--task", "t-pull", "--input", "bmn_run8:ds",
                "--rse", "SRC", "--output-scope", "bmn_run8", "--output-dataset", "pull.out", "--output-rse", "SRC",
                "--wait", "5s"));
        assertThat(r.code()).as(r.output()).isZero();
        assertThat(r.output()).contains("task t-pull FINISHED");
        assertThat(ApiClient.json(api.get("/bridge/tasks/t-pull"))).containsEntry("state", "FINISHED");
        assertThat(ApiClient.docs(api.get("/dids/bmn_run8/pull.out/dids"))).hasSize(3);
    }

    private record Result(int code, String output) {
    }

    private Result run(List<String> command) throws IOException, InterruptedException {
        // To a file, not a pipe: a chatty script must not block on a full pipe while it is waited for.
        Path log = Files.createTempFile("stevedore-example", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("STEVEDORE_URL", "http://localhost:" + port);
        pb.environment().put("STEVEDORE_ACCOUNT", "root");
        pb.environment().put("STEVEDORE_PASSWORD", rootPassword());
        Process p = pb.start();
        boolean ended = p.waitFor(3, TimeUnit.MINUTES);
        String out = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        if (!ended) {
            p.destroyForcibly();
            return new Result(-1, "timed out:\n" + out);
        }
        return new Result(p.exitValue(), out);
    }

    private static String python() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, "python3");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
