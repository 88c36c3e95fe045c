package org.stevedore.web.did;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Adler32;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.did.DidStore;
import org.stevedore.catalog.rse.Lfn2Pfn;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.transfer.reaper.Reaper;
import org.stevedore.transfer.storage.StorageProtocols;
import org.stevedore.transfer.store.ReaperStore;
import org.stevedore.web.support.ApiClient;
import org.stevedore.web.support.ApiTest;

/**
 * How data leaves the disk through the API: a DID given a lifetime after its creation (Rucio's set_metadata with key
 * {@code lifetime}), an admin's deletion of a DID at once, and an admin's deletion of a replica, whose bytes the
 * reaper removes (before, the row went and the file stayed on disk, dark).
 */
class DataDeletionApiTest extends ApiTest {

    private static final String DISK = "ERASE_DISK";

    @Autowired
    private RseProtocolStore protocols;
    @Autowired
    private StorageProtocols storage;
    @Autowired
    private Clock clock;
    @Autowired
    private DidStore dids;

    private Path root;
    private ApiClient jdoe;
    private ApiClient carol;

    @BeforeEach
    void accountsAndDisk() {
        root = dataDir().resolve("erase-" + System.nanoTime());
        for (String account : List.of("jdoe", "carol")) {
            api.post("/accounts/" + account, Map.of("type", "USER"));
            api.post("/accounts/" + account + "/identities", Map.of("identity", account, "authtype", "USERPASS",
                    "password", "pw-" + account + "-123"));
        }
        api.post("/accounts/jdoe/scopes/user.jdoe", Map.of());
        jdoe = new ApiClient(port).withToken(token("jdoe", "pw-jdoe-123"));
        carol = new ApiClient(port).withToken(token("carol", "pw-carol-123"));
        assertThat(api.post("/rses/" + DISK, Map.of()).statusCode()).isEqualTo(201);
        assertThat(api.post("/rses/" + DISK + "/protocols/file", Map.of("prefix", root.toString(),
                "domains", Map.of("wan", Map.of("read", 1, "write", 1, "delete", 1)))).statusCode()).isEqualTo(201);
    }

    /** A file of jdoe's on the disk, registered by root (as replicas are), in a dataset when one is named. */
    private Path onDisk(String name, String dataset) throws Exception {
        byte[] content = ("bytes of " + name + "\n").repeat(50).getBytes(StandardCharsets.UTF_8);
        Path file = root.resolve(Lfn2Pfn.hash("user.jdoe", name));
        Files.createDirectories(file.getParent());
        Files.write(file, content);
        Adler32 adler = new Adler32();
        adler.update(content);
        HttpResponse<String> r = api.post("/replicas", Map.of("rse", DISK, "files", List.of(Map.of("scope", "user.jdoe",
                "name", name, "bytes", content.length, "adler32", String.format("%08x", adler.getValue())))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        if (dataset != null) {
            HttpResponse<String> a = api.post("/dids/user.jdoe/" + dataset + "/dids",
                    Map.of("dids", dids("user.jdoe", name)));
            assertThat(a.statusCode()).as(a.body()).isEqualTo(201);
        }
        return file;
    }

    private void reap() {
        new Reaper(new ReaperStore(store, clock), protocols, storage, 100).runOnce(Partition.whole());
    }

    /** The tombstone of the file's replica, "none" without one, "no replica" when the row is gone. */
    private String tombstone(String name) {
        List<String> found = store.read(tx -> tx.run("MATCH (:Did {key: $k})-[r:REPLICA]->() RETURN r.tombstone AS t",
                Map.of("k", "user.jdoe:" + name)).list(r -> r.get("t").isNull() ? "none" : r.get("t").toString()));
        return found.isEmpty() ? "no replica" : found.get(0);
    }

    @Test
    void aDidIsGivenALifetimeThroughItsMetadataAsRucioEraseDoes() throws Exception {
        onDisk("log.1", null);
        Instant before = Instant.now();
        HttpResponse<String> set = jdoe.post("/dids/user.jdoe/log.1/meta/lifetime", Map.of("value", 86400));
        assertThat(set.statusCode()).as(set.body()).isEqualTo(201);
        Instant expiry = dids.get("user.jdoe", "log.1").expiredAt();
        assertThat(expiry).isBetween(before.plusSeconds(86_399), Instant.now().plusSeconds(86_401));
        assertThat(ApiClient.json(api.get("/dids/user.jdoe/log.1/meta?plugin=JSON"))).doesNotContainKey("lifetime");

        // The bulk form too, with other keys; null removes the expiry.
        assertThat(jdoe.post("/dids/user.jdoe/log.1/meta", Map.of("meta", Map.of("lifetime", 60, "run", 8)))
                .statusCode()).isEqualTo(201);
        assertThat(dids.get("user.jdoe", "log.1").expiredAt()).isBefore(Instant.now().plusSeconds(61));
        assertThat(ApiClient.json(api.get("/dids/user.jdoe/log.1/meta?plugin=JSON"))).containsEntry("run", 8);
        HashMap<String, Object> none = new HashMap<>();
        none.put("lifetime", null);
        assertThat(jdoe.post("/dids/user.jdoe/log.1/meta", Map.of("meta", none)).statusCode()).isEqualTo(201);
        assertThat(dids.get("user.jdoe", "log.1").expiredAt()).isNull();

        // Bounded as every lifetime; refused whole, nothing written; only the scope's owner or an admin.
        long size = graphSize();
        assertError(jdoe.post("/dids/user.jdoe/log.1/meta", Map.of("meta", Map.of("lifetime", -5, "run", 9))), 400,
                "InvalidObject", "lifetime");
        assertError(jdoe.post("/dids/user.jdoe/log.1/meta/lifetime", Map.of("value", 99_999_999_999L)), 400,
                "InvalidObject", "lifetime");
        assertError(carol.post("/dids/user.jdoe/log.1/meta/lifetime", Map.of("value", 60)), 403, "AccessDenied",
                "set_did_metadata");
        assertThat(graphSize()).isEqualTo(size);
        assertThat(ApiClient.json(api.get("/dids/user.jdoe/log.1/meta?plugin=JSON"))).containsEntry("run", 8);
        assertThat(dids.get("user.jdoe", "log.1").expiredAt()).isNull();
    }

    @Test
    void anAdminDeletesADidAtOnceAndTheReaperRemovesItsBytes() throws Exception {
        assertThat(jdoe.post("/dids/user.jdoe/ds", Map.of("type", "DATASET")).statusCode()).isEqualTo(201);
        Path f1 = onDisk("f1", "ds");
        Path kept = onDisk("kept", "ds");
        assertThat(jdoe.post("/dids/user.jdoe/other", Map.of("type", "DATASET")).statusCode()).isEqualTo(201);
        api.post("/dids/user.jdoe/other/dids", Map.of("dids", dids("user.jdoe", "kept")));
        HttpResponse<String> rule = jdoe.post("/rules/", Map.of("dids", dids("user.jdoe", "ds"), "copies", 1,
                "rse_expression", DISK, "account", "jdoe"));
        assertThat(rule.statusCode()).as(rule.body()).isEqualTo(201);
        String ruleId = (String) ApiClient.jsonList(rule).get(0);

        assertError(jdoe.delete("/dids/user.jdoe/ds", null), 403, "AccessDenied", "delete_did");
        assertError(api.delete("/dids/user.jdoe/nope", null), 404, "DataIdentifierNotFound", "user.jdoe:nope");
        assertThat(api.get("/dids/user.jdoe/ds").statusCode()).isEqualTo(200);

        assertThat(api.delete("/dids/user.jdoe/ds", null).statusCode()).isEqualTo(200);

        assertThat(api.get("/dids/user.jdoe/ds").statusCode()).isEqualTo(404);
        assertThat(api.get("/rules/" + ruleId).statusCode()).isEqualTo(404);
        assertThat(tombstone("f1")).isEqualTo("0");
        assertThat(tombstone("kept")).as("also in another dataset").isEqualTo("none");
        reap();
        assertThat(Files.exists(f1)).isFalse();
        assertThat(Files.exists(kept)).isTrue();

        // A file: its replica's bytes go through the reaper, then the file itself with the undertaker.
        Path f2 = onDisk("f2", null);
        assertThat(api.delete("/dids/user.jdoe/f2", null).statusCode()).isEqualTo(200);
        assertThat(tombstone("f2")).isEqualTo("0");
        reap();
        assertThat(Files.exists(f2)).isFalse();
        assertThat(ApiClient.docs(api.get("/replicas/user.jdoe/f2"))).isEmpty();
    }

    @Test
    void aDidWithALockedRuleIsNotDeletedAndNothingIsWritten() throws Exception {
        assertThat(jdoe.post("/dids/user.jdoe/held", Map.of("type", "DATASET")).statusCode()).isEqualTo(201);
        onDisk("h1", "held");
        HttpResponse<String> rule = api.post("/rules/", Map.of("dids", dids("user.jdoe", "held"), "copies", 1,
                "rse_expression", DISK, "locked", true));
        assertThat(rule.statusCode()).as(rule.body()).isEqualTo(201);
        long size = graphSize();

        assertError(api.delete("/dids/user.jdoe/held", null), 409, "UnsupportedOperation", "locked");

        assertThat(graphSize()).isEqualTo(size);
        assertThat(dids.get("user.jdoe", "held").expiredAt()).isNull();
        assertThat(tombstone("h1")).isEqualTo("none");
    }

    @Test
    void anAdminsReplicaDeletionRemovesTheBytesThroughTheReaperNotOnlyTheRow() throws Exception {
        Path f = onDisk("f3", null);
        assertThat(api.delete("/replicas", Map.of("rse", DISK, "files", dids("user.jdoe", "f3"))).statusCode())
                .isEqualTo(200);
        assertThat(ApiClient.docs(api.get("/replicas/user.jdoe/f3"))).isEmpty();
        assertThat(tombstone("f3")).isEqualTo("0");
        reap();
        assertThat(Files.exists(f)).as("no dark data left").isFalse();
        assertThat(tombstone("f3")).isEqualTo("no replica");
        long rows = store.read(tx -> tx.run("MATCH (:Did {key: 'user.jdoe:f3'})-[r:REPLICA]->() RETURN count(r)")
                .single().get(0).asLong());
        assertThat(rows).isZero();
    }
}
