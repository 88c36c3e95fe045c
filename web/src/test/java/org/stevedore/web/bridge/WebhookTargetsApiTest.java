package org.stevedore.web.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stevedore.web.support.ApiTest;

/**
 * A task's webhook may not point the service at an internal address: registration refuses it with a 400 naming the
 * URL and why, and writes nothing. Only literal addresses and names this machine resolves itself (localhost) are
 * used: no test sends anything beyond the machine, nor asks DNS.
 */
class WebhookTargetsApiTest extends ApiTest {

    private void inputs() {
        assertThat(api.post("/rses/HOOK_DISK", Map.of()).statusCode()).isEqualTo(201);
        api.post("/accounts/root/scopes/bmn_run8", Map.of());
        var added = api.post("/replicas", Map.of("rse", "HOOK_DISK", "files", List.of(Map.of("scope", "bmn_run8",
                "name", "hooked.0001", "bytes", 4096, "adler32", "00001234"))));
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
    }

    private Map<String, Object> task(String id, String url) {
        return Map.of("taskId", id, "inputs", List.of("bmn_run8:hooked.0001"), "rseExpression", "HOOK_DISK",
                "jobs", List.of(Map.of("jobId", id + "-1", "files", List.of("bmn_run8:hooked.0001"))),
                "webhook", Map.of("url", url, "secret", "s"));
    }

    @Test
    void internalAddressesAreRefusedAtRegistrationNamingTheUrlAndWhy() {
        inputs();
        long before = graphSize();
        Map<String, String> refused = Map.ofEntries(
                Map.entry("http://127.0.0.1:7687/", "loopback"),
                Map.entry("http://[::1]:8080/hook", "loopback"),
                Map.entry("http://10.1.2.3/hook", "private"),
                Map.entry("http://172.16.0.9/hook", "private"),
                Map.entry("https://192.168.1.1/hook", "private"),
                Map.entry("http://169.254.169.254/latest/meta-data/", "link-local"),
                Map.entry("http://[fe80::1]/hook", "link-local"),
                Map.entry("http://[fd00::1]/hook", "unique local"),
                Map.entry("http://0.0.0.0:8080/hook", "unspecified"),
                Map.entry("http://224.0.0.1/hook", "multicast"),
                Map.entry("http://100.64.0.1/hook", "carrier-grade NAT"),
                Map.entry("http://[::ffff:127.0.0.1]/hook", "loopback"),
                Map.entry("gopher://localhost/hook", "http or https"),
                Map.entry("http://user:secret@localhost/hook", "user information"));
        int i = 0;
        for (var e : refused.entrySet()) {
            var r = api.post("/bridge/tasks", task("t" + i++, e.getKey()));
            assertError(r, 400, "InvalidObject", e.getValue());
            assertThat(r.body()).as("the URL is named").contains(e.getKey().contains("secret")
                    ? "localhost/hook" : e.getKey());
            assertThat(r.body()).as("a password in the URL is not repeated").doesNotContain("secret@");
        }
        assertThat(graphSize()).as("nothing written").isEqualTo(before);
    }

    @Test
    void aHostTheOperatorAllowedIsAccepted() {
        inputs();
        // The tests' configuration (ApiTest) allows localhost, where their consumers run.
        var created = api.post("/bridge/tasks", task("allowed", "http://localhost:1/hook"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        var cancelled = api.post("/bridge/tasks/allowed/cancel", Map.of());
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
    }
}
