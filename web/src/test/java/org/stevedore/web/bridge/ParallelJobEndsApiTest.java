package org.stevedore.web.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.stevedore.web.support.ApiClient;
import org.stevedore.web.support.ApiTest;

/** Jobs of one task ending at once, each registering its outputs into the same new dataset, over HTTP. */
class ParallelJobEndsApiTest extends ApiTest {

    private static final int JOBS = 8;

    @Test
    void eightJobEndsCreatingTheSameOutputDatasetAllSucceedAndMakeItOnce() throws Exception {
        api.post("/rses/SRC", Map.of());
        api.post("/accounts/root/scopes/bmn_run8", Map.of());
        List<Map<String, Object>> files = new ArrayList<>();
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            files.add(Map.of("scope", "bmn_run8", "name", "in." + i, "bytes", 4096, "adler32", "00001234"));
            inputs.add("bmn_run8:in." + i);
        }
        assertThat(api.post("/replicas", Map.of("rse", "SRC", "files", files)).statusCode()).isEqualTo(201);
        // The inputs are where the jobs read: every job is released at registration.
        var created = api.post("/bridge/tasks", Map.of("taskId", "t-burst", "inputs", inputs, "rseExpression", "SRC",
                "pinLifetime", 3600, "split", Map.of("filesPerJob", 1)));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(JOBS);
        try {
            List<Future<HttpResponse<String>>> ends = new ArrayList<>();
            for (int i = 1; i <= JOBS; i++) {
                String job = "t-burst-" + i;
                Map<String, Object> body = Map.of("state", "done", "outputs", Map.of("scope", "bmn_run8", "dataset",
                        "reco.out", "files", List.of(Map.of("name", "reco." + i, "bytes", 100 + i,
                                "adler32", "0000abcd", "rse", "SRC"))));
                ends.add(pool.submit(() -> {
                    start.await();
                    return api.post("/bridge/jobs/" + job + "/end", body);
                }));
            }
            start.countDown();
            for (Future<HttpResponse<String>> end : ends) {
                HttpResponse<String> r = end.get();
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }

        var dataset = api.get("/dids/bmn_run8/reco.out");
        assertThat(dataset.statusCode()).as(dataset.body()).isEqualTo(200);
        assertThat(ApiClient.docs(api.get("/dids/bmn_run8/reco.out/dids"))).hasSize(JOBS);
        long datasets = store.read(tx -> tx.run("MATCH (d:Did {key: 'bmn_run8:reco.out'}) RETURN count(d) AS n")
                .single().get("n").asLong());
        assertThat(datasets).isEqualTo(1);
        Map<String, Object> task = ApiClient.json(api.get("/bridge/tasks/t-burst"));
        assertThat(task).containsEntry("state", "FINISHED").containsEntry("outputDatasets", List.of("bmn_run8:reco.out"));
    }
}
