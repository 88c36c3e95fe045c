package org.stevedore.web.replica;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.web.support.ApiClient;
import org.stevedore.web.support.ApiTest;

class BadReplicaApiTest extends ApiTest {

    private ApiClient jdoe;

    @BeforeEach
    void rseScopeAndFiles() {
        api.post("/accounts/jdoe", Map.of("type", "USER"));
        api.post("/accounts/jdoe/identities", Map.of("identity", "jdoe", "authtype", "USERPASS",
                "password", "pw-jdoe-123"));
        assertThat(api.post("/accounts/jdoe/scopes/user.jdoe", Map.of()).statusCode()).isEqualTo(201);
        jdoe = new ApiClient(port).withToken(token("jdoe", "pw-jdoe-123"));
        assertThat(api.post("/rses/DISK_A", Map.of()).statusCode()).isEqualTo(201);
        assertThat(api.post("/rses/DISK_A/protocols/davs", Map.of("hostname", "se.example.org", "port", 443,
                "prefix", "/dpm/data", "domains", Map.of("wan", Map.of("read", 1, "write", 1)))).statusCode())
                .isEqualTo(201);
        var added = api.post("/replicas", Map.of("rse", "DISK_A", "files", List.of(
                Map.of("scope", "user.jdoe", "name", "f1", "bytes", 1, "adler32", "0000beef",
                        "pfn", "davs://se.example.org:443/dpm/data/raw/f1"),
                Map.of("scope", "user.jdoe", "name", "f2", "bytes", 1, "adler32", "0000beef",
                        "pfn", "davs://se.example.org:443/dpm/data/raw/f2"))));
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
    }

    private String state(String name) {
        var listed = api.post("/replicas/list", Map.of("dids", dids("user.jdoe", name), "all_states", true));
        return (String) map(ApiClient.docs(listed).get(0).get("states")).get("DISK_A");
    }

    private long declarations() {
        return store.read(tx -> tx.run("MATCH (b:BadReplica) RETURN count(b)").single().get(0).asLong());
    }

    @Test
    void anAdminDeclaresBadReplicasByPfnAndHearsOfThoseUnknown() {
        String unknown = "davs://se.example.org:443/dpm/data/raw/nosuch";
        var r = api.post("/replicas/bad", Map.of("replicas", List.of("davs://se.example.org:443/dpm/data/raw/f1",
                unknown), "reason", "checksum mismatch"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(ApiClient.json(r)).containsEntry("DISK_A", List.of(unknown + " Unknown replica"));
        assertThat(state("f1")).isEqualTo("BAD");
        assertThat(state("f2")).isEqualTo("AVAILABLE");
        // No longer handed out: the default listing shows AVAILABLE replicas only.
        assertThat(ApiClient.docs(api.get("/replicas/user.jdoe/f1"))).isEmpty();

        List<Map<String, Object>> states = ApiClient.docs(api.get("/replicas/bad/states?state=BAD&rse=DISK_A"));
        assertThat(states).singleElement().satisfies(d -> {
            assertThat(d).containsEntry("name", "f1").containsEntry("state", "BAD")
                    .containsEntry("reason", "checksum mismatch").containsEntry("account", "root");
        });
        List<Map<String, Object>> summary = ApiClient.docs(api.get("/replicas/bad/summary?rse_expression=DISK_A"));
        assertThat(summary).singleElement().satisfies(d -> assertThat(d).containsEntry("BAD", 1));

        var byName = api.post("/replicas/bad", Map.of("replicas", List.of(Map.of("scope", "user.jdoe", "name", "f1",
                "rse", "DISK_A")), "reason", "again"));
        assertThat(ApiClient.json(byName)).containsEntry("DISK_A", List.of("user.jdoe:f1 Already declared"));
    }

    @Test
    void onlyAdminsDeclareBadButAnyoneSuspicious() {
        String f1 = "davs://se.example.org:443/dpm/data/raw/f1";
        assertError(jdoe.post("/replicas/bad", Map.of("replicas", List.of(f1), "reason", "x")), 403, "AccessDenied",
                "declare_bad_file_replicas");
        assertError(jdoe.post("/replicas/bad/pfns", Map.of("pfns", List.of(f1), "reason", "x", "state", "BAD")), 403,
                "AccessDenied", "add_bad_pfns");
        assertThat(declarations()).isZero();
        for (int i = 0; i < 2; i++) {
            var r = jdoe.post("/replicas/suspicious", Map.of("pfns", List.of(f1), "reason", "read failed"));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        }
        assertThat(state("f1")).isEqualTo("AVAILABLE");
        List<Object> suspicious = ApiClient.jsonList(api.get("/replicas/suspicious?nattempts=2"));
        assertThat(suspicious).singleElement().satisfies(d -> assertThat(map(d)).containsEntry("cnt", 2)
                .containsEntry("name", "f1"));
        jdoe.post("/replicas/suspicious", Map.of("pfns", List.of(f1), "reason", "read failed"));
        assertThat(state("f1")).isEqualTo("BAD");
    }

    @Test
    void badPfnsMakeAReplicaTemporarilyUnavailableUntilAGivenTime() {
        String f2 = "davs://se.example.org:443/dpm/data/raw/f2";
        assertError(api.post("/replicas/bad/pfns", Map.of("pfns", List.of(f2), "reason", "downtime",
                "state", "TEMPORARY_UNAVAILABLE")), 400, "InvalidObject", "expires_at");
        assertError(api.post("/replicas/bad/pfns", Map.of("pfns", List.of(f2), "reason", "downtime",
                "state", "TEMPORARY_UNAVAILABLE", "expires_at", "tomorrow")), 400, "InvalidObject", "expires_at");
        String until = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString()
                .replace("Z", ".000000");
        var r = api.post("/replicas/bad/pfns", Map.of("pfns", List.of(f2), "reason", "downtime",
                "state", "TEMPORARY_UNAVAILABLE", "expires_at", until));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(state("f2")).isEqualTo("TEMPORARY_UNAVAILABLE");
    }

    @Test
    void wrongInputIsRefusedAndWritesNothing() {
        String f1 = "davs://se.example.org:443/dpm/data/raw/f1";
        assertError(api.post("/replicas/bad", Map.of("replicas", List.of(f1, "davs://other.example.org/x/y"),
                "reason", "x")), 404, "ReplicaNotFound", "other.example.org");
        assertError(api.post("/replicas/bad", Map.of("replicas", List.of(f1,
                "davs://se.example.org:443/dpm/data/raw/../../etc/passwd"), "reason", "x")), 400, "InvalidObject",
                "dot segment");
        assertError(api.post("/replicas/bad", Map.of("replicas", List.of(f1, Map.of("scope", "user.jdoe",
                "name", "f2", "rse", "DISK_A")), "reason", "x")), 400, "InvalidObject", "either all");
        assertError(api.post("/replicas/bad", Map.of("replicas", List.of(Map.of("scope", "user.jdoe",
                "name", "f2", "rse", "NOSUCH")), "reason", "x")), 404, "RSENotFound", "NOSUCH");
        assertError(api.post("/replicas/bad", Map.of("reason", "x")), 400, "InvalidObject", "replicas");
        assertError(api.get("/replicas/bad/states?state=NOPE"), 400, "InvalidObject", "NOPE");
        assertThat(declarations()).isZero();
        assertThat(state("f1")).isEqualTo("AVAILABLE");
    }
}
