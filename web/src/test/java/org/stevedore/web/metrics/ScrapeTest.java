package org.stevedore.web.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.zip.Adler32;
import org.springframework.beans.factory.annotation.Autowired;
import org.stevedore.catalog.rse.Lfn2Pfn;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.transfer.storage.StorageProtocols;
import org.stevedore.web.support.ApiClient;
import org.stevedore.web.support.ApiTest;

/** Base of the metrics tests: scrapes {@code /actuator/prometheus} with a token, and moves data to count. */
abstract class ScrapeTest extends ApiTest {

    static final String ACTIVITY = "User Subscriptions";
    static final String LINK = "MET_A->MET_B";

    @Autowired
    protected RseProtocolStore protocols;
    @Autowired
    protected StorageProtocols storage;
    @Autowired
    protected Clock clock;

    Scrape scrape() {
        HttpResponse<String> r = api.get("/actuator/prometheus");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        return Scrape.parse(r.body());
    }

    /** Three files moved from MET_A to MET_B by a rule, which is OK at the end; answers their total size. */
    long moveThreeFiles() throws Exception {
        Path root = dataDir().resolve("metrics-" + System.nanoTime());
        for (String rse : List.of("MET_A", "MET_B")) {
            assertThat(api.post("/rses/" + rse, Map.of()).statusCode()).isEqualTo(201);
            assertThat(api.post("/rses/" + rse + "/protocols/file", Map.of("prefix", root.resolve(rse).toString(),
                    "domains", Map.of("wan", Map.of("read", 1, "write", 1, "delete", 1)))).statusCode()).isEqualTo(201);
        }
        api.post("/accounts/root/scopes/metrics", Map.of());
        api.post("/dids/metrics/ds", Map.of("type", "DATASET"));
        long total = 0;
        for (int i = 1; i <= 3; i++) {
            String name = "file." + i;
            byte[] content = ("bytes of " + name + "\n").repeat(100 * i).getBytes(StandardCharsets.UTF_8);
            Path source = root.resolve("MET_A").resolve(Lfn2Pfn.hash("metrics", name));
            Files.createDirectories(source.getParent());
            Files.write(source, content);
            Adler32 adler = new Adler32();
            adler.update(content);
            HttpResponse<String> registered = api.post("/dids/metrics/ds/dids", Map.of("rse", "MET_A", "dids",
                    List.of(Map.of("scope", "metrics", "name", name, "bytes", content.length,
                            "adler32", "%08x".formatted(adler.getValue())))));
            assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
            total += content.length;
        }
        HttpResponse<String> created = api.post("/rules/", Map.of("dids", dids("metrics", "ds"), "copies", 1,
                "rse_expression", "MET_B"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = (String) ApiClient.jsonList(created).get(0);
        long deadline = System.nanoTime() + 60_000_000_000L;
        Map<String, Object> rule = ApiClient.json(api.get("/rules/" + id));
        while (!"OK".equals(rule.get("state")) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            rule = ApiClient.json(api.get("/rules/" + id));
        }
        assertThat(rule).containsEntry("state", "OK");
        return total;
    }
}
