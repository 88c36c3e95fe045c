package org.stevedore.web.did;

import static org.assertj.core.api.Assertions.assertThat;
import static org.stevedore.web.support.ApiClient.seg;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.web.support.ApiClient;
import org.stevedore.web.support.ApiTest;

class DidApiTest extends ApiTest {

    @BeforeEach
    void scope() {
        assertThat(api.post("/accounts/root/scopes/bmn_run8", Map.of()).statusCode()).isEqualTo(201);
    }

    private void addFiles(String... names) {
        List<Map<String, Object>> files = new ArrayList<>();
        for (String n : names) {
            files.add(Map.of("scope", "bmn_run8", "name", n, "type", "FILE", "bytes", 10, "adler32", "0000000a"));
        }
        HttpResponse<String> r = api.post("/dids", files);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    @Test
    void datasetLifecycleAsTheRucioClientDrivesIt() {
        addFiles("raw/f1.root", "raw/f2.root");
        HttpResponse<String> created = api.post("/dids/bmn_run8/ds1",
                Map.of("type", "DATASET", "statuses", Map.of("monotonic", false), "lifetime", 3600));
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.body()).isEqualTo("Created");

        HttpResponse<String> attached = api.post("/dids/bmn_run8/ds1/dids",
                Map.of("dids", dids("bmn_run8", "raw/f1.root", "raw/f2.root")));
        assertThat(attached.statusCode()).as(attached.body()).isEqualTo(201);

        Map<String, Object> ds = ApiClient.json(api.get("/dids/bmn_run8/ds1"));
        assertThat(ds).containsEntry("type", "DATASET").containsEntry("bytes", 20).containsEntry("length", 2)
                .containsEntry("open", true).containsEntry("account", "root");
        assertThat((String) ds.get("expired_at")).endsWith(" UTC");

        HttpResponse<String> content = api.get("/dids/bmn_run8/ds1/dids");
        assertThat(content.headers().firstValue("Content-Type")).hasValue("application/x-json-stream");
        assertThat(content.body()).endsWith("\n");
        assertThat(ApiClient.docs(content)).hasSize(2).allSatisfy(o -> assertThat(o)
                .containsKeys("scope", "name", "type", "bytes", "adler32", "md5"));

        List<Map<String, Object>> files = ApiClient.docs(api.get("/dids/bmn_run8/ds1/files"));
        assertThat(files).extracting(o -> o.get("name")).containsExactlyInAnyOrder("raw/f1.root", "raw/f2.root");

        // A name holding '/' is one percent-encoded path segment, as the Rucio client sends it.
        Map<String, Object> file = ApiClient.json(api.get("/dids/bmn_run8/" + seg("raw/f1.root")));
        assertThat(file).containsEntry("type", "FILE").containsEntry("adler32", "0000000a");
        List<Map<String, Object>> parents = ApiClient.docs(api.get("/dids/bmn_run8/" + seg("raw/f1.root") + "/parents"));
        assertThat(parents).singleElement().satisfies(p -> assertThat(p).containsEntry("name", "ds1"));

        Map<String, Object> columns = ApiClient.json(api.get("/dids/bmn_run8/ds1/meta?plugin=DID_COLUMN"));
        assertThat(columns).containsEntry("did_type", "DATASET").containsEntry("is_open", true);

        assertThat(api.put("/dids/bmn_run8/ds1/status", Map.of("open", false)).statusCode()).isEqualTo(200);
        assertThat(ApiClient.json(api.get("/dids/bmn_run8/ds1"))).containsEntry("open", false);

        assertThat(api.delete("/dids/bmn_run8/ds1/dids", Map.of("dids", dids("bmn_run8", "raw/f1.root"))).statusCode())
                .isEqualTo(200);
        assertThat(ApiClient.lines(api.get("/dids/bmn_run8/ds1/dids"))).hasSize(1);
    }

    @Test
    void metadataAndSearch() {
        addFiles("a.1", "a.2", "b.1");
        assertThat(api.post("/dids/bmn_run8/a.1/meta", Map.of("meta", Map.of("run", 8, "stream", "physics")))
                .statusCode()).isEqualTo(201);
        assertThat(api.post("/dids/bmn_run8/a.1/meta/quality", Map.of("value", "good")).statusCode()).isEqualTo(201);
        assertThat(ApiClient.json(api.get("/dids/bmn_run8/a.1/meta?plugin=JSON")))
                .containsEntry("run", 8).containsEntry("quality", "good");
        assertThat(api.delete("/dids/bmn_run8/a.1/meta?key=run", null).statusCode()).isEqualTo(200);
        assertThat(ApiClient.json(api.get("/dids/bmn_run8/a.1/meta?plugin=JSON"))).doesNotContainKey("run");

        assertThat(ApiClient.lines(api.get("/dids/bmn_run8/dids/search?name=a.*&type=file")))
                .containsExactly("a.1", "a.2");
        assertThat(ApiClient.docs(api.get("/dids/bmn_run8/dids/search?name=*.1&long=1")))
                .extracting(o -> o.get("name")).containsExactly("a.1", "b.1");
    }

    @Test
    void bulkAttachmentsToSeveralParents() {
        addFiles("f1", "f2");
        api.post("/dids", List.of(Map.of("scope", "bmn_run8", "name", "ds1", "type", "DATASET"),
                Map.of("scope", "bmn_run8", "name", "ds2", "type", "DATASET"),
                Map.of("scope", "bmn_run8", "name", "cont", "type", "CONTAINER")));
        HttpResponse<String> r = api.post("/dids/attachments", Map.of("attachments", List.of(
                Map.of("scope", "bmn_run8", "name", "ds1", "dids", dids("bmn_run8", "f1")),
                Map.of("scope", "bmn_run8", "name", "ds2", "dids", dids("bmn_run8", "f1", "f2")),
                Map.of("scope", "bmn_run8", "name", "cont", "dids", dids("bmn_run8", "ds1", "ds2")))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(ApiClient.lines(api.get("/dids/bmn_run8/cont/files"))).hasSize(2);
    }

    // ---- refusals: each with its status and class, and the store unchanged ----

    @Test
    void invalidNamesAreRefusedWithTheReasonAndNothingIsWritten() {
        long before = graphSize();
        List<Map<String, Object>> files = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            files.add(Map.of("scope", "bmn_run8", "name", i == 321 ? "bad name" : "f" + i, "type", "FILE", "bytes", 1));
        }
        assertError(api.post("/dids", files), 400, "InvalidObject", "'bad name'");
        assertError(api.post("/dids/" + "x".repeat(26) + "/ds", Map.of("type", "DATASET")), 400, "InvalidObject",
                "at most 25");
        assertError(api.post("/dids/bmn_run8/ds", Map.of("type", "BLOB")), 400, "InvalidType", "BLOB");
        assertThat(graphSize()).isEqualTo(before);
    }

    @Test
    void unknownScopeAndDuplicateDid() {
        assertError(api.post("/dids/nosuch/ds", Map.of("type", "DATASET")), 404, "ScopeNotFound", "nosuch");
        assertThat(api.post("/dids/bmn_run8/ds", Map.of("type", "DATASET")).statusCode()).isEqualTo(201);
        long before = graphSize();
        assertError(api.post("/dids/bmn_run8/ds", Map.of("type", "DATASET")), 409, "DataIdentifierAlreadyExists",
                "bmn_run8:ds");
        assertError(api.get("/dids/bmn_run8/nothing"), 404, "DataIdentifierNotFound", "bmn_run8:nothing");
        assertError(api.get("/dids/bmn_run8/nothing/dids"), 404, "DataIdentifierNotFound", "bmn_run8:nothing");
        assertThat(graphSize()).isEqualTo(before);
    }

    @Test
    void attachToClosedDatasetAndCyclesAreRefused() {
        addFiles("f1");
        api.post("/dids", List.of(Map.of("scope", "bmn_run8", "name", "ds", "type", "DATASET"),
                Map.of("scope", "bmn_run8", "name", "c1", "type", "CONTAINER"),
                Map.of("scope", "bmn_run8", "name", "c2", "type", "CONTAINER")));
        api.put("/dids/bmn_run8/ds/status", Map.of("open", false));
        assertThat(api.post("/dids/bmn_run8/c1/dids", Map.of("dids", dids("bmn_run8", "c2"))).statusCode()).isEqualTo(201);
        long before = graphSize();
        assertError(api.post("/dids/bmn_run8/ds/dids", Map.of("dids", dids("bmn_run8", "f1"))), 409,
                "UnsupportedOperation", "closed");
        assertError(api.post("/dids/bmn_run8/c2/dids", Map.of("dids", dids("bmn_run8", "c1"))), 409,
                "UnsupportedOperation", "cycle");
        assertError(api.post("/dids/bmn_run8/c2/dids", Map.of("dids", dids("bmn_run8", "f1"))), 409,
                "UnsupportedOperation", "containers contain only");
        assertThat(graphSize()).isEqualTo(before);
    }

    @Test
    void malformedAndWronglyTypedBodiesGet400NotA500() {
        long before = graphSize();
        assertError(api.postRaw("/dids", "[{\"scope\": \"bmn_run8\", \"name\": "), 400, "InvalidObject", "Malformed JSON");
        assertError(api.postRaw("/dids", "{\"not\": \"a list\"}"), 400, "InvalidObject", "wrong shape");
        assertError(api.postRaw("/dids/bmn_run8/ds", "{\"type\": \"DATASET\", \"lifetime\": \"soon\"}"), 400,
                "InvalidObject", "lifetime");
        assertError(api.postRaw("/dids/bmn_run8/ds/dids", "{\"dids\": \"f1\"}"), 400, "InvalidObject", "dids");
        assertError(api.postRaw("/dids", ""), 400, "InvalidObject", "body");
        assertError(api.post("/dids/bmn_run8/ds/dids", Map.of()), 400, "InvalidObject", "dids");
        assertThat(graphSize()).isEqualTo(before);
    }

    @Test
    void oversizedBodiesGet413() {
        long before = graphSize();
        String big = "[" + "{\"scope\":\"bmn_run8\",\"name\":\"x\",\"type\":\"FILE\"},".repeat(30_000) + "{}]";
        assertError(api.postRaw("/dids", big), 413, "PayloadTooLarge", "limit");
        HttpResponse<String> chunked = api.send(api.request("/dids").header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(big.getBytes()))));
        assertError(chunked, 413, "PayloadTooLarge", "limit");
        assertThat(graphSize()).isEqualTo(before);
    }
}
