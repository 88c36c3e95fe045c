package org.stevedore.web.replica;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.web.support.ApiClient;
import org.stevedore.web.support.ApiTest;

class ReplicaApiTest extends ApiTest {

    @BeforeEach
    void rseAndScope() {
        assertThat(api.post("/accounts/root/scopes/user.jdoe", Map.of()).statusCode()).isEqualTo(201);
        assertThat(api.post("/rses/DISK_A", Map.of()).statusCode()).isEqualTo(201);
        assertThat(api.post("/rses/DISK_A/protocols/file", Map.of("prefix", "/srv/rses/disk_a",
                "domains", Map.of("wan", Map.of("read", 1, "write", 1, "delete", 1)))).statusCode()).isEqualTo(201);
        assertThat(api.post("/rses/DISK_A/protocols/davs", Map.of("hostname", "se.example.org", "port", 443,
                "prefix", "/dpm/data", "domains", Map.of("wan", Map.of("read", 2, "write", 2)))).statusCode()).isEqualTo(201);
    }

    private static Map<String, Object> file(String name, long bytes) {
        return Map.of("scope", "user.jdoe", "name", name, "bytes", bytes, "adler32", "0000beef");
    }

    @Test
    void registerAndListReplicasAsTheClientReadsThem() {
        var added = api.post("/replicas", Map.of("rse", "DISK_A", "files", List.of(file("f1", 100), file("f2", 200))));
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        api.post("/dids/user.jdoe/ds", Map.of("type", "DATASET"));
        api.post("/dids/user.jdoe/ds/dids", Map.of("dids", dids("user.jdoe", "f1", "f2")));

        var listed = api.post("/replicas/list", Map.of("dids", dids("user.jdoe", "ds"), "all_states", false,
                "ignore_availability", true, "resolve_archives", true, "client_location", Map.of()));
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        assertThat(listed.headers().firstValue("Content-Type")).hasValue("application/x-json-stream");
        List<Map<String, Object>> docs = ApiClient.docs(listed);
        assertThat(docs).extracting(d -> d.get("name")).containsExactlyInAnyOrder("f1", "f2");
        Map<String, Object> f1 = docs.stream().filter(d -> d.get("name").equals("f1")).findFirst().orElseThrow();
        assertThat(f1).containsEntry("bytes", 100).containsEntry("adler32", "0000beef");
        @SuppressWarnings("unchecked")
        Map<String, List<String>> rses = (Map<String, List<String>>) f1.get("rses");
        assertThat(rses.get("DISK_A")).hasSize(2);
        assertThat(rses.get("DISK_A").get(0)).startsWith("file:///srv/rses/disk_a/user/jdoe/").endsWith("/f1");
        assertThat(rses.get("DISK_A").get(1)).startsWith("davs://se.example.org:443/dpm/data/user/jdoe/");
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> pfns = (Map<String, Map<String, Object>>) f1.get("pfns");
        assertThat(pfns.get(rses.get("DISK_A").get(0))).containsEntry("rse", "DISK_A").containsEntry("type", "DISK")
                .containsEntry("priority", 1).containsEntry("domain", "wan");
        assertThat(map(f1.get("states"))).containsEntry("DISK_A", "AVAILABLE");

        assertThat(ApiClient.docs(api.get("/replicas/user.jdoe/f2"))).singleElement()
                .satisfies(d -> assertThat(d).containsEntry("name", "f2"));
    }

    @Test
    void attachWithAnRseRegistersFilesAndReplicasInOneStep() {
        api.post("/dids/user.jdoe/ds", Map.of("type", "DATASET"));
        var r = api.post("/dids/user.jdoe/ds/dids", Map.of("rse", "DISK_A", "dids", List.of(file("a", 1), file("b", 2))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(ApiClient.docs(api.post("/replicas/list", Map.of("dids", dids("user.jdoe", "ds"))))).hasSize(2);
    }

    @Test
    void bulkRegistrationWithOneBadFileRegistersNone() {
        List<Map<String, Object>> files = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            files.add(file(i == 1500 ? "bad|name" : "f" + i, i));
        }
        long before = graphSize();
        assertError(api.post("/replicas", Map.of("rse", "DISK_A", "files", files)), 400, "InvalidObject", "bad|name");
        assertError(api.post("/replicas", Map.of("rse", "NOPE", "files", List.of(file("x", 1)))), 404, "RSENotFound", "NOPE");
        assertError(api.post("/replicas", Map.of("rse", "DISK_A")), 400, "InvalidObject", "files");
        assertThat(graphSize()).isEqualTo(before);
    }

    @Test
    void conflictingSizesAndDeletion() {
        api.post("/replicas", Map.of("rse", "DISK_A", "files", List.of(file("f1", 100))));
        api.post("/rses/DISK_B", Map.of());
        assertError(api.post("/replicas", Map.of("rse", "DISK_B", "files", List.of(file("f1", 101)))), 409,
                "FileConsistencyMismatch", "100 bytes");
        assertError(api.post("/replicas/list", Map.of("dids", dids("user.jdoe", "nope"))), 404,
                "DataIdentifierNotFound", "user.jdoe:nope");
        assertThat(api.delete("/replicas", Map.of("rse", "DISK_A", "files", dids("user.jdoe", "f1"))).statusCode())
                .isEqualTo(200);
        assertThat(ApiClient.docs(api.get("/replicas/user.jdoe/f1"))).isEmpty();
        assertError(api.delete("/replicas", Map.of("rse", "DISK_A", "files", dids("user.jdoe", "f1"))), 404,
                "ReplicaNotFound", "f1");
    }
}
