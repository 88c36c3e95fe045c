package org.stevedore.web.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.Adler32;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.stevedore.catalog.rse.Lfn2Pfn;
import org.stevedore.catalog.rse.RseDistanceStore;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.web.bootstrap.LocalTapeRse;
import org.stevedore.web.support.ApiClient;
import org.stevedore.web.support.ApiTest;

/** A task with inputs on the application's emulated LOCAL_TAPE: they come back through a campaign the task shows. */
class TapeInputsApiTest extends ApiTest {

    @Autowired
    RseStore rses;
    @Autowired
    RseProtocolStore protocols;
    @Autowired
    RseDistanceStore distances;

    private static byte[] write(Path file, String content) throws Exception {
        byte[] bytes = content.repeat(1000).getBytes(StandardCharsets.UTF_8);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        return bytes;
    }

    @Test
    void tapeInputsComeBackThroughOneCampaignThatTheTaskShowsAndEveryJobIsReleasedOnceItsInputIsOnDisk()
            throws Exception {
        // The graph is emptied before each test: put the application's tape RSE back, as the start-up does.
        new LocalTapeRse(rses, protocols, distances).createIfAbsent(dataDir().resolve("rses"));
        Path root = dataDir().resolve("tape-task-" + System.nanoTime());
        for (String rse : List.of("POSIX_A", "POSIX_B")) {
            assertThat(api.post("/rses/" + rse, Map.of()).statusCode()).isEqualTo(201);
            assertThat(api.post("/rses/" + rse + "/protocols/file", Map.of("prefix", root.resolve(rse).toString(),
                    "domains", Map.of("wan", Map.of("read", 1, "write", 1, "delete", 1)))).statusCode()).isEqualTo(201);
        }
        api.post("/accounts/root/scopes/bmn_run8", Map.of());
        api.post("/dids/bmn_run8/mixed", Map.of("type", "DATASET"));
        String stamp = Long.toString(System.nanoTime());
        // One file on disk, two on the emulated tape.
        Path onDisk = root.resolve("POSIX_A").resolve(Lfn2Pfn.hash("bmn_run8", "disk." + stamp));
        byte[] diskBytes = write(onDisk, "disk event\n");
        attach("POSIX_A", "disk." + stamp, diskBytes, null);
        Path tape = LocalTapeRse.directory(dataDir().resolve("rses"));
        for (int i = 0; i < 2; i++) {
            String name = "tape.%s.%d".formatted(stamp, i);
            Path file = tape.resolve("bmn_run8").resolve(name);
            attach(LocalTapeRse.NAME, name, write(file, "tape event " + i + "\n"),
                    "file://" + file);
        }

        var created = api.post("/bridge/tasks", Map.of("taskId", "tape-task-" + stamp,
                "inputs", List.of("bmn_run8:mixed"), "rseExpression", "POSIX_B", "pinLifetime", "PT2H", "priority", 4,
                "split", Map.of("filesPerJob", 1)));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String path = "/bridge/tasks/" + ApiClient.seg("tape-task-" + stamp);
        Map<String, Object> task = ApiClient.json(api.get(path));
        Map<String, Object> campaign = map(task.get("campaign"));
        assertThat(campaign).containsEntry("files", 2).containsKey("id");
        String campaignId = (String) campaign.get("id");

        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline && !(map(task.get("jobCounts")).get("RELEASED").equals(3)
                && "COMPLETED".equals(map(task.get("campaign")).get("state")))) {
            Thread.sleep(500);
            task = ApiClient.json(api.get(path));
        }
        assertThat(map(task.get("jobCounts"))).containsEntry("RELEASED", 3).containsEntry("HELD", 0);
        assertThat(map(task.get("campaign"))).containsEntry("id", campaignId).containsEntry("state", "COMPLETED")
                .containsEntry("filesStaged", 2).containsEntry("filesCopied", 2).containsEntry("filesCopyStuck", 0);
        // The campaign document says the same, with the task's dataset as where its files went.
        Map<String, Object> doc = ApiClient.json(api.get("/campaigns/" + campaignId));
        assertThat(doc).containsEntry("files_copied", 2).containsEntry("dataset", task.get("dataset"))
                .containsEntry("rule_id", task.get("ruleId")).containsEntry("rse_expression", "POSIX_B");
        // Registering it again answers the same task and makes no second campaign.
        var again = api.post("/bridge/tasks", Map.of("taskId", "tape-task-" + stamp,
                "inputs", List.of("bmn_run8:mixed"), "rseExpression", "POSIX_B", "pinLifetime", "PT2H", "priority", 4,
                "split", Map.of("filesPerJob", 1)));
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(map(ApiClient.json(again).get("campaign"))).containsEntry("id", campaignId);
        assertThat(ApiClient.docs(api.get("/campaigns"))).hasSize(1);
    }

    private void attach(String rse, String name, byte[] bytes, String pfn) {
        Adler32 adler = new Adler32();
        adler.update(bytes);
        Map<String, Object> did = new java.util.HashMap<>(Map.of("scope", "bmn_run8", "name", name, "bytes", bytes.length,
                "adler32", "%08x".formatted(adler.getValue())));
        if (pfn != null) {
            did.put("pfn", pfn);
        }
        var r = api.post("/dids/bmn_run8/mixed/dids", Map.of("rse", rse, "dids", List.of(did)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }
}
