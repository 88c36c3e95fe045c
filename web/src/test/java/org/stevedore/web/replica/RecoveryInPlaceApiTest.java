package org.stevedore.web.replica;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.Adler32;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.rse.Lfn2Pfn;
import org.stevedore.rules.store.ReplicaRecovery;
import org.stevedore.rules.store.RuleStore;
import org.stevedore.rules.store.TransferQueue;
import org.stevedore.testsupport.fts.Fts3Emulator;
import org.stevedore.testsupport.fts.Fts3EmulatorSettings;
import org.stevedore.web.support.ApiClient;
import org.stevedore.web.support.ApiTest;

/**
 * A replica declared bad whose corrupt bytes still lie at its path is repaired in place: the recovery copy from the
 * good copy replaces the corrupt file (the local copier renames the verified copy over it; FTS is asked with
 * {@code overwrite}), while ordinary rule transfers never overwrite.
 */
class RecoveryInPlaceApiTest extends ApiTest {

    @Autowired
    RuleStore rules;
    @Autowired
    TransferQueue transfers;

    /** What the necromancer does on its own schedule (30 s idle sleep), now. */
    private void recover() {
        new ReplicaRecovery(rules, transfers, Clock.systemUTC()).recover(Partition.whole(), 100);
    }

    private Map<String, Object> waitForRule(String id, String state) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        Map<String, Object> rule = ApiClient.json(api.get("/rules/" + id));
        while (!state.equals(rule.get("state")) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            rule = ApiClient.json(api.get("/rules/" + id));
        }
        return rule;
    }

    private String replicaState(String name, String rse) {
        return store.read(tx -> tx.run("""
                MATCH (:Did {scope: 'bmn_run8', name: $name})-[r:REPLICA]->(:Rse {rse: $rse}) RETURN r.state
                """, Map.of("name", name, "rse", rse)).single().get(0).asString());
    }

    private void declareBad(String name, String rse) {
        var declared = api.post("/replicas/bad", Map.of("replicas", List.of(Map.of("scope", "bmn_run8", "name", name,
                "rse", rse)), "reason", "checksum mismatch"));
        assertThat(declared.statusCode()).as(declared.body()).isEqualTo(201);
        assertThat(ApiClient.json(declared)).isEmpty();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void aCorruptReplicaDeclaredBadIsReplacedByTheGoodCopyAtItsPath() throws Exception {
        Path root = dataDir().resolve("recovery-e2e-" + System.nanoTime());
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
        String adler32 = "%08x".formatted(adler.getValue());
        api.post("/dids/bmn_run8/ds", Map.of("type", "DATASET"));
        var registered = api.post("/dids/bmn_run8/ds/dids", Map.of("rse", "POSIX_A", "dids", List.of(Map.of(
                "scope", "bmn_run8", "name", "raw.0001", "bytes", content.length, "adler32", adler32))));
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        var created = api.post("/rules/", Map.of("dids", dids("bmn_run8", "ds"), "copies", 1, "rse_expression", "POSIX_B"));
        String id = (String) ApiClient.jsonList(created).get(0);
        assertThat(waitForRule(id, "OK")).containsEntry("state", "OK");

        // The copy on POSIX_B rots on disk: same size, different bytes.
        Path copy = root.resolve("POSIX_B").resolve(Lfn2Pfn.hash("bmn_run8", "raw.0001"));
        byte[] corrupt = content.clone();
        corrupt[100] ^= 0x5a;
        corrupt[content.length - 1] ^= 0x01;
        Files.write(copy, corrupt);
        assertThat(sha256(Files.readAllBytes(copy))).isNotEqualTo(sha256(content));

        declareBad("raw.0001", "POSIX_B");
        recover();

        Map<String, Object> rule = waitForRule(id, "OK");
        assertThat(rule).as("the copy replaced the corrupt file").containsEntry("state", "OK")
                .containsEntry("locks_ok_cnt", 1).containsEntry("locks_stuck_cnt", 0);
        byte[] repaired = Files.readAllBytes(copy);
        assertThat(sha256(repaired)).isEqualTo(sha256(content));
        Adler32 after = new Adler32();
        after.update(repaired);
        assertThat("%08x".formatted(after.getValue())).isEqualTo(adler32);
        assertThat(replicaState("raw.0001", "POSIX_B")).isEqualTo("AVAILABLE");
        assertThat(ApiClient.docs(api.get("/rules/" + id + "/locks"))).singleElement()
                .satisfies(l -> assertThat(l).containsEntry("rse", "POSIX_B").containsEntry("state", "OK"));
        try (var files = Files.list(copy.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).as("no temporary file left")
                    .containsExactly(copy.getFileName().toString());
        }

        // An ordinary rule transfer still refuses to replace a different file lying at its destination.
        Path stray = root.resolve("POSIX_B").resolve(Lfn2Pfn.hash("bmn_run8", "raw.0002"));
        byte[] second = "bytes of run 8, file 2\n".repeat(3000).getBytes(StandardCharsets.UTF_8);
        Path secondSource = root.resolve("POSIX_A").resolve(Lfn2Pfn.hash("bmn_run8", "raw.0002"));
        Files.createDirectories(secondSource.getParent());
        Files.write(secondSource, second);
        Files.createDirectories(stray.getParent());
        Files.write(stray, "someone else's file".getBytes(StandardCharsets.UTF_8));
        Adler32 secondAdler = new Adler32();
        secondAdler.update(second);
        api.post("/dids/bmn_run8/ds2", Map.of("type", "DATASET"));
        assertThat(api.post("/dids/bmn_run8/ds2/dids", Map.of("rse", "POSIX_A", "dids", List.of(Map.of(
                "scope", "bmn_run8", "name", "raw.0002", "bytes", second.length,
                "adler32", "%08x".formatted(secondAdler.getValue()))))).statusCode()).isEqualTo(201);
        String other = (String) ApiClient.jsonList(api.post("/rules/", Map.of("dids", dids("bmn_run8", "ds2"),
                "copies", 1, "rse_expression", "POSIX_B"))).get(0);
        long deadline = System.nanoTime() + 60_000_000_000L;
        List<Object> requests = ApiClient.jsonList(api.get("/requests/bmn_run8/raw.0002/POSIX_B"));
        while (requests.stream().noneMatch(r -> map(r).get("err_msg") != null) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            requests = ApiClient.jsonList(api.get("/requests/bmn_run8/raw.0002/POSIX_B"));
        }
        assertThat(requests).singleElement().satisfies(r -> assertThat(String.valueOf(map(r).get("err_msg")))
                .contains("exists with different content"));
        assertThat(Files.readString(stray)).isEqualTo("someone else's file");
        assertThat(ApiClient.json(api.get("/rules/" + other)).get("state")).isNotEqualTo("OK");
    }

    @Test
    void onlyTheRecoveryJobAsksFtsToOverwrite() throws Exception {
        try (Fts3Emulator fts = Fts3Emulator.start(Fts3EmulatorSettings.instant().withDelegationRequired(true),
                Clock.systemUTC())) {
            String url = "http://" + fts.endpoint().getHost() + ":" + fts.endpoint().getPort();
            for (String rse : List.of("FTS_A", "FTS_B")) {
                assertThat(api.post("/rses/" + rse, Map.of()).statusCode()).isEqualTo(201);
                var protocol = api.post("/rses/" + rse + "/protocols/davs", Map.of("hostname",
                        rse.toLowerCase().replace('_', '-') + ".example.org", "port", 443, "prefix", "/data",
                        "domains", Map.of("wan", Map.of("read", 1, "write", 1, "delete", 1))));
                assertThat(protocol.statusCode()).as(protocol.body()).isEqualTo(201);
                assertThat(api.post("/rses/" + rse + "/attr/fts", Map.of("value", url)).statusCode()).isEqualTo(201);
            }
            api.post("/accounts/root/scopes/bmn_run8", Map.of());
            api.post("/dids/bmn_run8/ds", Map.of("type", "DATASET"));
            var registered = api.post("/dids/bmn_run8/ds/dids", Map.of("rse", "FTS_A", "dids", List.of(
                    Map.of("scope", "bmn_run8", "name", "raw.0001", "bytes", 1000, "adler32", "0000abcd"))));
            assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
            String id = (String) ApiClient.jsonList(api.post("/rules/", Map.of("dids", dids("bmn_run8", "ds"),
                    "copies", 1, "rse_expression", "FTS_B"))).get(0);
            assertThat(waitForRule(id, "OK")).containsEntry("state", "OK");
            Set<String> first = fts.jobIds();
            assertThat(first).singleElement().satisfies(job ->
                    assertThat(fts.submittedParams(job).path("overwrite").asBoolean(true)).as("a rule transfer")
                            .isFalse());

            declareBad("raw.0001", "FTS_B");
            recover();
            assertThat(waitForRule(id, "OK")).containsEntry("state", "OK").containsEntry("locks_ok_cnt", 1);
            assertThat(replicaState("raw.0001", "FTS_B")).isEqualTo("AVAILABLE");
            List<String> recovery = fts.jobIds().stream().filter(j -> !first.contains(j)).toList();
            assertThat(recovery).as("the recovery copy is a job of its own").singleElement().satisfies(job -> {
                JsonNode params = fts.submittedParams(job);
                assertThat(params.path("overwrite").isBoolean()).isTrue();
                assertThat(params.path("overwrite").asBoolean()).as("a recovery transfer").isTrue();
            });

            // Bad again later: the revived request is a new job, not taken for the finished recovery (FTS's 409).
            Set<String> second = fts.jobIds();
            declareBad("raw.0001", "FTS_B");
            recover();
            assertThat(waitForRule(id, "OK")).containsEntry("state", "OK");
            assertThat(fts.jobIds().stream().filter(j -> !second.contains(j)).toList())
                    .as("a second recovery is a job of its own").singleElement()
                    .satisfies(job -> assertThat(fts.submittedParams(job).path("overwrite").asBoolean()).isTrue());
        }
    }
}
