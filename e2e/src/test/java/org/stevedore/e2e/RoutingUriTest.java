package org.stevedore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stevedore.e2e.ScaleOutFixture.TestFile;
import org.stevedore.testsupport.server.Neo4jServerProcess;

/**
 * The cluster path, as far as one server allows: the service configured with the driver's routing URI
 * ({@code neo4j://}, as for a cluster) against a Neo4j server in its own process starts, migrates the fresh store and
 * works: writes (registrations, a rule) go through the routing table's writer, reads through its readers, and a local
 * copy carries a file to the rule's RSE.
 */
class RoutingUriTest {

    @TempDir
    Path dir;

    @Test
    void theServiceWorksThroughTheRoutingUri() throws Exception {
        try (Neo4jServerProcess neo4j = Neo4jServerProcess.start(dir.resolve("neo4j"), List.of("-Xmx512m"));
             ServiceInstance instance = ServiceInstance.start("routing", dir.resolve("i1"),
                     ScaleOutFixture.settings(neo4j.routingUri(), neo4j, null),
                     ScaleOutFixture.secrets(neo4j, null))) {
            instance.awaitUp(Duration.ofMinutes(5));
            assertThat(instance.log()).contains(neo4j.routingUri());
            Http root = Http.login(instance.baseUrl(), "root",
                    ScaleOutFixture.read(instance.dataDir().resolve("root-password")));
            Path a = dir.resolve("storage").resolve("ROUTED_A");
            Path b = dir.resolve("storage").resolve("ROUTED_B");
            ScaleOutFixture.posixRse(root, "ROUTED_A", a);
            ScaleOutFixture.posixRse(root, "ROUTED_B", b);
            Http.expect(root.post("/accounts/root/scopes/routed", Map.of()), 201);
            List<TestFile> files = ScaleOutFixture.files(root, "routed", "ds", "f", 5, 4096, a, "ROUTED_A", b, 7);
            String ruleId = (String) Http.list(Http.expect(root.post("/rules/", Map.of(
                    "dids", List.of(Map.of("scope", "routed", "name", "ds")), "copies", 1,
                    "rse_expression", "ROUTED_B")), 201)).get(0);
            Map<String, Object> rule = Map.of();
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (System.nanoTime() < deadline) {
                rule = Http.object(Http.expect(root.get("/rules/" + ruleId), 200));
                if ("OK".equals(rule.get("state"))) {
                    break;
                }
                Thread.sleep(500);
            }
            assertThat(rule).containsEntry("state", "OK").containsEntry("locks_ok_cnt", 5);
            for (TestFile f : files) {
                assertThat(ScaleOutFixture.sha256(b.resolve(f.path())))
                        .isEqualTo(ScaleOutFixture.sha256(a.resolve(f.path())));
            }
            List<Map<String, Object>> rses = Http.lines(Http.expect(root.get("/rses/"), 200));
            assertThat(rses).extracting(r -> r.get("rse")).contains("ROUTED_A", "ROUTED_B");
        }
    }
}
