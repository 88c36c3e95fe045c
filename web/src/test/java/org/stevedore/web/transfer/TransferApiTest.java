package org.stevedore.web.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.Adler32;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.rse.Lfn2Pfn;
import org.stevedore.web.support.ApiClient;
import org.stevedore.web.support.ApiTest;

/** The running application moves real bytes for a rule between two posix RSEs and shows the requests. */
class TransferApiTest extends ApiTest {

    @Test
    void aRuleIsCarriedOutByTheRunningConveyor() throws Exception {
        Path root = dataDir().resolve("transfer-e2e-" + System.nanoTime());
        for (String rse : List.of("POSIX_A", "POSIX_B")) {
            assertThat(api.post("/rses/" + rse, Map.of()).statusCode()).isEqualTo(201);
            assertThat(api.post("/rses/" + rse + "/protocols/file", Map.of("prefix", root.resolve(rse).toString(),
                    "domains", Map.of("wan", Map.of("read", 1, "write", 1, "delete", 1)))).statusCode()).isEqualTo(201);
        }
        api.post("/accounts/root/scopes/bmn_run8", Map.of());
        byte[] content = "bytes of run 8\n".repeat(5000).getBytes(StandardCharsets.UTF_8);
        Path source = root.resolve("POSIX_A").resolve(Lfn2Pfn.hash("bmn_run8", "raw.0001"));
        Files.createDirectories(source.getParent());
        Files.write(source, content);
        Adler32 adler = new Adler32();
        adler.update(content);
        api.post("/dids/bmn_run8/ds", Map.of("type", "DATASET"));
        var registered = api.post("/dids/bmn_run8/ds/dids", Map.of("rse", "POSIX_A", "dids", List.of(Map.of(
                "scope", "bmn_run8", "name", "raw.0001", "bytes", content.length,
                "adler32", "%08x".formatted(adler.getValue())))));
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);

        var created = api.post("/rules/", Map.of("dids", dids("bmn_run8", "ds"), "copies", 1, "rse_expression", "POSIX_B"));
        String id = (String) ApiClient.jsonList(created).get(0);
        long deadline = System.nanoTime() + 60_000_000_000L;
        Map<String, Object> rule = ApiClient.json(api.get("/rules/" + id));
        while (!"OK".equals(rule.get("state")) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            rule = ApiClient.json(api.get("/rules/" + id));
        }
        assertThat(rule).containsEntry("state", "OK").containsEntry("locks_ok_cnt", 1);
        assertThat(Files.readAllBytes(root.resolve("POSIX_B").resolve(Lfn2Pfn.hash("bmn_run8", "raw.0001"))))
                .isEqualTo(content);
        List<Object> requests = ApiClient.jsonList(api.get("/requests/bmn_run8/raw.0001/POSIX_B"));
        // What a request no longer stores is still shown: its file's scope and name, its destination's name, the
        // defaults, and its arrival as its last change.
        assertThat(requests).singleElement().satisfies(r -> assertThat(map(r)).containsEntry("state", "DONE")
                .containsEntry("source_rse", "POSIX_A").containsEntry("external_host", "local")
                .containsEntry("scope", "bmn_run8").containsEntry("name", "raw.0001")
                .containsEntry("dest_rse", "POSIX_B").containsEntry("request_type", "TRANSFER")
                .containsEntry("retry_count", 0).containsEntry("updated_at", map(r).get("transferred_at")));
        // Its id is not stored either, yet every view shows the same one.
        Object requestId = map(requests.get(0)).get("id");
        assertThat(requestId).asString().matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(ApiClient.docs(api.get("/requests/list?state=DONE"))).singleElement()
                .satisfies(r -> assertThat(map(r)).containsEntry("dest_rse", "POSIX_B").containsEntry("name", "raw.0001")
                        .containsEntry("id", requestId));
        assertThat(ApiClient.jsonList(api.get("/requests/bmn_run8/raw.0001/POSIX_B"))).singleElement()
                .satisfies(r -> assertThat(map(r)).containsEntry("id", requestId));
        assertThat(ApiClient.docs(api.get("/requests/list?dst_rse=POSIX_B"))).hasSize(1);
        assertThat(ApiClient.docs(api.get("/requests/list?dst_rse=POSIX_A"))).isEmpty();
        assertError(api.get("/requests/bmn_run8/raw.0001/POSIX_A"), 404, "RequestNotFound", "POSIX_A");
        assertError(api.get("/requests/list?state=BORED"), 400, "InvalidObject", "BORED");
    }
}
