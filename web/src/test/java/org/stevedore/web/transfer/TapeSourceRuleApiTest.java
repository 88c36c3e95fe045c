package org.stevedore.web.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.Adler32;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.stevedore.catalog.rse.RseDistanceStore;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.web.bootstrap.LocalTapeRse;
import org.stevedore.web.support.ApiClient;
import org.stevedore.web.support.ApiTest;

/**
 * A plain rule reading from the emulated LOCAL_TAPE: the in-process copier stages the file through the tape endpoint
 * (a recall into the tape's disk buffer), copies it from there and releases the pin; it never reads the cartridge
 * directory directly.
 */
class TapeSourceRuleApiTest extends ApiTest {

    @Autowired
    RseStore rses;
    @Autowired
    RseProtocolStore protocols;
    @Autowired
    RseDistanceStore distances;

    @Test
    void aRuleFromTheLocalTapeStagesTheFileBeforeCopyingIt() throws Exception {
        // The graph is emptied before each test: put the application's tape RSE back, as the start-up does.
        new LocalTapeRse(rses, protocols, distances).createIfAbsent(dataDir().resolve("rses"));
        Path root = dataDir().resolve("tape-rule-" + System.nanoTime());
        assertThat(api.post("/rses/POSIX_T", Map.of()).statusCode()).isEqualTo(201);
        assertThat(api.post("/rses/POSIX_T/protocols/file", Map.of("prefix", root.toString(),
                "domains", Map.of("wan", Map.of("read", 1, "write", 1, "delete", 1)))).statusCode()).isEqualTo(201);
        api.post("/accounts/root/scopes/bmn_run8", Map.of());
        String name = "rule.%d.raw".formatted(System.nanoTime());
        Path cartridge = LocalTapeRse.directory(dataDir().resolve("rses")).resolve("bmn_run8").resolve(name);
        byte[] bytes = "tape event\n".repeat(1000).getBytes(StandardCharsets.UTF_8);
        Files.createDirectories(cartridge.getParent());
        Files.write(cartridge, bytes);
        Adler32 adler = new Adler32();
        adler.update(bytes);
        String ds = "tapeds." + System.nanoTime();
        api.post("/dids/bmn_run8/" + ds, Map.of("type", "DATASET"));
        var r = api.post("/dids/bmn_run8/" + ds + "/dids", Map.of("rse", LocalTapeRse.NAME, "dids", List.of(Map.of(
                "scope", "bmn_run8", "name", name, "bytes", bytes.length, "adler32",
                "%08x".formatted(adler.getValue()), "pfn", "file://" + cartridge))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);

        var created = api.post("/rules/", Map.of("dids", List.of(Map.of("scope", "bmn_run8", "name", ds)),
                "copies", 1, "rse_expression", "POSIX_T"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String ruleId = (String) ApiClient.jsonList(created).get(0);

        Map<String, Object> rule = ApiClient.json(api.get("/rules/" + ruleId));
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!"OK".equals(rule.get("state")) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            rule = ApiClient.json(api.get("/rules/" + ruleId));
        }
        assertThat(rule).containsEntry("state", "OK");
        // Recalled through the tape: the emulator's disk buffer holds the staged copy the copier read.
        Path buffer = dataDir().resolve("tape-buffer").resolve("local_tape").resolve("bmn_run8").resolve(name);
        assertThat(buffer).exists();
        try (var found = Files.walk(root)) {
            assertThat(found.filter(p -> p.getFileName().toString().equals(name)).toList()).singleElement()
                    .satisfies(p -> assertThat(Files.readAllBytes(p)).isEqualTo(bytes));
        }
    }
}
