package org.stevedore.web.replica;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Adler32;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.rse.Lfn2Pfn;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.transfer.reaper.Reaper;
import org.stevedore.transfer.storage.StorageProtocols;
import org.stevedore.transfer.store.ReaperStore;
import org.stevedore.web.support.ApiClient;
import org.stevedore.web.support.ApiTest;

/**
 * Issue 18's attack on physical paths, played over HTTP as far as each step gets: an account that owns a scope claims
 * another tenant's file by registering a replica at its PFN, copies it into its own scope with a rule, and has the
 * greedy reaper delete it through a tombstone it set itself, while the victim's replica stays AVAILABLE.
 */
class PhysicalPathAttackApiTest extends ApiTest {

    private static final String SCRATCH = "SCRATCH_DISK";
    private static final String SAFE = "SAFE_DISK";

    @Autowired
    private RseProtocolStore protocols;
    @Autowired
    private StorageProtocols storage;
    @Autowired
    private Clock clock;

    private Path root;
    private ApiClient victim;
    private ApiClient mallory;

    @BeforeEach
    void tenantsAndRses() {
        root = dataDir().resolve("paths-" + System.nanoTime());
        for (String account : List.of("victim", "mallory")) {
            assertThat(api.post("/accounts/" + account, Map.of("type", "USER")).statusCode()).isEqualTo(201);
            assertThat(api.post("/accounts/" + account + "/identities", Map.of("identity", account, "authtype",
                    "USERPASS", "password", "pw-" + account + "-123")).statusCode()).isEqualTo(201);
            assertThat(api.post("/accounts/" + account + "/scopes/user." + account, Map.of()).statusCode())
                    .isEqualTo(201);
        }
        for (String rse : List.of(SCRATCH, SAFE)) {
            assertThat(api.post("/rses/" + rse, Map.of()).statusCode()).isEqualTo(201);
            assertThat(api.post("/rses/" + rse + "/protocols/file", Map.of("prefix", root.resolve(rse).toString(),
                    "domains", Map.of("wan", Map.of("read", 1, "write", 1, "delete", 1)))).statusCode()).isEqualTo(201);
        }
        // A user disk: open for registration by its users, and emptied greedily.
        assertThat(api.post("/rses/" + SCRATCH + "/attr/user_registration", Map.of("value", true)).statusCode())
                .isEqualTo(201);
        assertThat(api.post("/rses/" + SCRATCH + "/attr/greedyDeletion", Map.of("value", true)).statusCode())
                .isEqualTo(201);
        victim = new ApiClient(port).withToken(token("victim", "pw-victim-123"));
        mallory = new ApiClient(port).withToken(token("mallory", "pw-mallory-123"));
    }

    /** The victim's file on disk and registered by its owner; answers its PFN. */
    private String victimsFile(byte[] content) throws Exception {
        Path file = root.resolve(SCRATCH).resolve(Lfn2Pfn.hash("user.victim", "thesis.root"));
        Files.createDirectories(file.getParent());
        Files.write(file, content);
        var registered = victim.post("/replicas", Map.of("rse", SCRATCH, "files", List.of(Map.of("scope", "user.victim",
                "name", "thesis.root", "bytes", content.length, "adler32", adler32(content)))));
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        return "file://" + file;
    }

    @Test
    void anotherTenantsFileCannotBeClaimedCopiedOrReaped() throws Exception {
        byte[] content = "the victim's only copy\n".repeat(100).getBytes(StandardCharsets.UTF_8);
        String victimPfn = victimsFile(content);
        Path victimPath = Path.of(victimPfn.substring("file://".length()));
        SoftAssertions softly = new SoftAssertions();

        // 1. Claim the victim's file: a replica of mallory's own file at the victim's PFN, with tombstone 0.
        Map<String, Object> loot = new HashMap<>(Map.of("scope", "user.mallory", "name", "loot", "bytes", content.length,
                "adler32", adler32(content), "pfn", victimPfn, "tombstone", 0));
        HttpResponse<String> claim = mallory.post("/replicas", Map.of("rse", SCRATCH, "files", List.of(loot)));
        softly.assertThat(claim.statusCode()).as("claiming another tenant's PFN: " + claim.body()).isEqualTo(403);

        // 2. Copy it into mallory's scope elsewhere with a rule, and wait for the conveyor.
        HttpResponse<String> rule = mallory.post("/rules/", Map.of("dids", dids("user.mallory", "loot"), "copies", 1,
                "rse_expression", SAFE, "account", "mallory"));
        if (rule.statusCode() == 201) {
            String id = (String) ApiClient.jsonList(rule).get(0);
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!"OK".equals(ApiClient.json(api.get("/rules/" + id)).get("state")) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
        }
        Path copy = root.resolve(SAFE).resolve(Lfn2Pfn.hash("user.mallory", "loot"));
        softly.assertThat(Files.exists(copy)).as("a copy of the victim's bytes in mallory's scope").isFalse();

        // 3. The greedy reaper runs: mallory's replica has tombstone 0.
        new Reaper(new ReaperStore(store, clock), protocols, storage, 100).runOnce(Partition.whole());
        softly.assertThat(Files.exists(victimPath)).as("the victim's file after the reaper ran").isTrue();
        List<Map<String, Object>> listed = ApiClient.docs(api.get("/replicas/user.victim/thesis.root"));
        softly.assertThat(listed).singleElement().satisfies(d -> assertThat(map(d.get("states")))
                .containsEntry(SCRATCH, "AVAILABLE"));
        softly.assertAll();
    }

    @Test
    void everyWayAroundIsRefusedAndWritesNothing() throws Exception {
        byte[] content = "x".repeat(64).getBytes(StandardCharsets.UTF_8);
        String victimPfn = victimsFile(content);
        String own = "file://" + root.resolve(SCRATCH) + "/user/mallory/";
        String victimRelative = victimPfn.substring(("file://" + root.resolve(SCRATCH) + "/user/").length());
        long before = graphSize();

        // Out of mallory's directory by dot segments, plain or percent-encoded, or by empty segments.
        for (String pfn : List.of(own + "../" + victimRelative, own + "%2e%2e/" + victimRelative,
                own + "%2E./" + victimRelative, own + "sub//f", own + "./f",
                "file://" + root.resolve(SCRATCH) + "/user/mallory/../../../elsewhere/f")) {
            assertError(mallory.post("/replicas", Map.of("rse", SCRATCH, "files", List.of(lootAt(pfn, content)))), 400,
                    "InvalidObject", pfn);
        }
        // Another host, another scheme, or outside every protocol prefix of the RSE.
        for (String pfn : List.of("file://evil.example.org" + root.resolve(SCRATCH) + "/user/mallory/f",
                "davs://se.example.org:443" + root.resolve(SCRATCH) + "/user/mallory/f", "file:///etc/passwd",
                "file://" + root.resolve(SAFE) + "/user/mallory/f")) {
            assertError(mallory.post("/replicas", Map.of("rse", SCRATCH, "files", List.of(lootAt(pfn, content)))), 400,
                    "InvalidObject", pfn);
        }
        // One bad PFN in a batch: nothing at all is written, good ones included.
        Map<String, Object> good = new HashMap<>(lootAt(own + "aa/bb/good", content));
        good.put("name", "good");
        assertError(mallory.post("/replicas", Map.of("rse", SCRATCH, "files", List.of(good,
                lootAt(own + "../" + victimRelative, content)))), 400, "InvalidObject", "..");
        // Under another tenant's scope, even where users may register.
        assertError(mallory.post("/replicas", Map.of("rse", SCRATCH, "files", List.of(lootAt(victimPfn, content)))),
                403, "AccessDenied", "add_replicas");
        // Not a user disk at all.
        assertError(mallory.post("/replicas", Map.of("rse", SAFE, "files", List.of(Map.of("scope", "user.mallory",
                "name", "loot", "bytes", 64, "adler32", adler32(content))))), 403, "AccessDenied", "add_replicas");
        // The same through attach with an RSE.
        assertThat(mallory.post("/dids/user.mallory/ds", Map.of("type", "DATASET")).statusCode()).isEqualTo(201);
        before = graphSize();
        assertError(mallory.post("/dids/user.mallory/ds/dids", Map.of("rse", SCRATCH, "dids",
                List.of(lootAt(victimPfn, content)))), 403, "AccessDenied", "add_replicas");
        // A first attachment that may register does not go in ahead of a second that may not.
        assertError(mallory.post("/dids/attachments", Map.of("attachments", List.of(
                Map.of("scope", "user.mallory", "name", "ds", "rse", SCRATCH, "dids",
                        List.of(lootAt(own + "aa/bb/loot", content))),
                Map.of("scope", "user.mallory", "name", "ds", "rse", SAFE, "dids", List.of(Map.of(
                        "scope", "user.mallory", "name", "loot2", "bytes", 64, "adler32", adler32(content))))))),
                403, "AccessDenied", "add_replicas");
        // A new dataset with its files at an RSE: refused before the dataset is written.
        assertError(mallory.post("/dids/user.mallory/ds2", Map.of("type", "DATASET", "rse", SCRATCH,
                "dids", List.of(lootAt(victimPfn, content)))), 403, "AccessDenied", "add_replicas");
        // A tombstone of its own making, on its own file at its own path.
        Map<String, Object> tombstoned = new HashMap<>(lootAt(own + "aa/bb/loot", content));
        tombstoned.put("tombstone", 0);
        assertError(mallory.post("/replicas", Map.of("rse", SCRATCH, "files", List.of(tombstoned))), 403,
                "AccessDenied", "set_tombstone");
        assertThat(graphSize()).isEqualTo(before);

        // Even an admin cannot give one physical path to two replicas.
        assertError(api.post("/replicas", Map.of("rse", SCRATCH, "files", List.of(Map.of("scope", "user.mallory",
                "name", "twin", "bytes", 64, "adler32", adler32(content), "pfn", victimPfn)))), 409, "Duplicate",
                victimRelative);
        assertThat(graphSize()).isEqualTo(before);

        // What stays open: mallory's own file at its own path on the user disk.
        var mine = mallory.post("/replicas", Map.of("rse", SCRATCH, "files", List.of(lootAt(own + "aa/bb/loot", content))));
        assertThat(mine.statusCode()).as(mine.body()).isEqualTo(201);
    }

    @Test
    void aBridgeJobCannotReportAnotherTenantsFileAsItsOutput() throws Exception {
        byte[] content = "y".repeat(64).getBytes(StandardCharsets.UTF_8);
        String victimPfn = victimsFile(content);
        String own = "file://" + root.resolve(SCRATCH) + "/user/mallory/";
        // Mallory's own task on its own file, at its own path on the user disk.
        assertThat(mallory.post("/dids/user.mallory/in", Map.of("type", "DATASET")).statusCode()).isEqualTo(201);
        var input = mallory.post("/dids/user.mallory/in/dids", Map.of("rse", SCRATCH, "dids",
                List.of(lootAt(own + "aa/bb/loot", content))));
        assertThat(input.statusCode()).as(input.body()).isEqualTo(201);
        var task = mallory.post("/bridge/tasks", Map.of("taskId", "t1", "inputs", List.of("user.mallory:in"),
                "rseExpression", SCRATCH, "split", Map.of("filesPerJob", 1)));
        assertThat(task.statusCode()).as(task.body()).isEqualTo(201);
        long before = graphSize();

        Map<String, Object> stolen = Map.of("name", "stolen", "bytes", content.length, "adler32", adler32(content),
                "rse", SCRATCH, "pfn", victimPfn);
        assertError(mallory.post("/bridge/jobs/t1-1/end", Map.of("state", "done", "outputs", Map.of(
                "scope", "user.mallory", "dataset", "out", "files", List.of(stolen)))), 403, "AccessDenied",
                "add_replicas");
        assertThat(graphSize()).isEqualTo(before);
    }

    private static Map<String, Object> lootAt(String pfn, byte[] content) {
        return Map.of("scope", "user.mallory", "name", "loot", "bytes", content.length, "adler32", adler32(content),
                "pfn", pfn);
    }

    private static String adler32(byte[] content) {
        Adler32 adler = new Adler32();
        adler.update(content);
        return "%08x".formatted(adler.getValue());
    }
}
