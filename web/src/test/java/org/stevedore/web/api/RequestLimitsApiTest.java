package org.stevedore.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.web.support.ApiTest;

/**
 * Bulk requests are bounded ({@code stevedore.api.max-items}, 10,000 in these tests; {@code max-rule-dids}, 1,000)
 * and refuse an entry given twice, before any lookup: a rule request naming one DID 50,000 times once cost two
 * minutes of server work before its refusal.
 */
class RequestLimitsApiTest extends ApiTest {

    @BeforeEach
    void aDatasetWithTwoFiles() {
        api.post("/accounts/root/scopes/bmn_run8", Map.of());
        assertThat(api.post("/rses/SRC", Map.of()).statusCode()).isEqualTo(201);
        api.post("/dids/bmn_run8/ds", Map.of("type", "DATASET"));
        var r = api.post("/dids/bmn_run8/ds/dids", Map.of("rse", "SRC", "dids", List.of(
                Map.of("scope", "bmn_run8", "name", "f1", "bytes", 100, "adler32", "00000001"),
                Map.of("scope", "bmn_run8", "name", "f2", "bytes", 100, "adler32", "00000002"))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    private static List<Map<String, Object>> many(String scope, int n) {
        List<Map<String, Object>> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(Map.of("scope", scope, "name", "n" + i));
        }
        return list;
    }

    private static List<Map<String, Object>> withTwice(List<Map<String, Object>> list) {
        List<Map<String, Object>> out = new ArrayList<>(list);
        out.add(list.get(0));
        return out;
    }

    @Test
    void aRuleNamingOneDidAThousandTimesIsRefusedForItsDuplicate() {
        long before = graphSize();
        List<Map<String, Object>> same = Collections.nCopies(1000, Map.of("scope", "bmn_run8", "name", "ds"));
        long started = System.nanoTime();
        assertError(api.post("/rules/", Map.of("dids", same, "copies", 1, "rse_expression", "SRC")), 400,
                "InvalidObject", "DID 'bmn_run8:ds' appears twice in the request (entries 1 and 2)");
        assertThat((System.nanoTime() - started) / 1_000_000).as("ms").isLessThan(5_000);
        assertError(api.post("/rules/", Map.of("dids", many("bmn_run8", 1001), "copies", 1, "rse_expression", "SRC")),
                413, "PayloadTooLarge", "stevedore.api.max-rule-dids");
        assertThat(graphSize()).isEqualTo(before);
    }

    /** A collection registered with content is all or nothing: a refused child leaves no empty collection. */
    @Test
    void aCollectionWhoseContentIsRefusedIsNotCreated() {
        long before = graphSize();
        assertError(api.post("/dids/bmn_run8/ds2", Map.of("type", "DATASET", "dids", dids("bmn_run8", "f1", "nope"))),
                404, "DataIdentifierNotFound", "nope");
        assertError(api.post("/dids/bmn_run8/ds3", Map.of("type", "DATASET", "dids", dids("bmn_run8", "bad name"))),
                400, "InvalidObject", "bad name");
        assertError(api.post("/dids/bmn_run8/ds4", Map.of("type", "DATASET", "rse", "SRC", "dids",
                dids("bmn_run8", "bad name"))), 400, "InvalidObject", "bad name");
        assertThat(graphSize()).isEqualTo(before);
        for (String ds : List.of("ds2", "ds3", "ds4")) {
            assertError(api.get("/dids/bmn_run8/" + ds), 404, "DataIdentifierNotFound", ds);
        }
        assertThat(api.post("/dids/bmn_run8/ds5", Map.of("type", "DATASET", "dids", dids("bmn_run8", "f1", "f2")))
                .statusCode()).isEqualTo(201);
        assertThat(api.get("/dids/bmn_run8/ds5/dids").body()).contains("f1", "f2");
    }

    @Test
    void everyBulkEndpointRefusesDuplicatesAndOverlongLists() {
        long before = graphSize();
        List<Map<String, Object>> two = dids("bmn_run8", "f1", "f2");
        assertError(api.post("/dids/bmn_run8/ds/dids", Map.of("dids", withTwice(two))), 400, "InvalidObject",
                "'bmn_run8:f1' appears twice");
        assertError(api.delete("/dids/bmn_run8/ds/dids", Map.of("dids", withTwice(two))), 400, "InvalidObject",
                "'bmn_run8:f1' appears twice");
        assertError(api.post("/dids/attachments", Map.of("attachments", List.of(Map.of("scope", "bmn_run8",
                "name", "ds", "dids", withTwice(two))))), 400, "InvalidObject", "'bmn_run8:f1' appears twice");
        assertError(api.post("/dids/bmn_run8/ds9", Map.of("type", "DATASET", "dids", withTwice(two))), 400,
                "InvalidObject", "'bmn_run8:f1' appears twice");
        List<Map<String, Object>> datasets = List.of(Map.of("scope", "bmn_run8", "name", "d1", "type", "DATASET"),
                Map.of("scope", "bmn_run8", "name", "d1", "type", "DATASET"));
        assertError(api.post("/dids", datasets), 400, "InvalidObject", "'bmn_run8:d1' appears twice");
        List<Map<String, Object>> files = List.of(
                Map.of("scope", "bmn_run8", "name", "g1", "bytes", 1, "adler32", "00000001"),
                Map.of("scope", "bmn_run8", "name", "g1", "bytes", 1, "adler32", "00000001"));
        assertError(api.post("/replicas", Map.of("rse", "SRC", "files", files)), 400, "InvalidObject",
                "'bmn_run8:g1' appears twice");
        assertError(api.delete("/replicas", Map.of("rse", "SRC", "files", withTwice(two))), 400, "InvalidObject",
                "'bmn_run8:f1' appears twice");
        assertError(api.post("/replicas/list", Map.of("dids", withTwice(two))), 400, "InvalidObject",
                "'bmn_run8:f1' appears twice");

        List<Map<String, Object>> tooMany = many("bmn_run8", 10_001);
        assertError(api.post("/dids/bmn_run8/ds/dids", Map.of("dids", tooMany)), 413, "PayloadTooLarge",
                "stevedore.api.max-items");
        assertError(api.post("/replicas/list", Map.of("dids", tooMany)), 413, "PayloadTooLarge",
                "stevedore.api.max-items");
        assertError(api.post("/campaigns", Map.of("dids", tooMany, "rse_expression", "SRC")), 413,
                "PayloadTooLarge", "stevedore.api.max-items");
        assertError(api.post("/bridge/tasks", Map.of("taskId", "t1", "inputs",
                tooMany.stream().map(d -> d.get("scope") + ":" + d.get("name")).toList(), "rseExpression", "SRC",
                "split", Map.of("filesPerJob", 1))), 413, "PayloadTooLarge", "stevedore.api.max-items");
        assertThat(graphSize()).isEqualTo(before);
    }
}
