package org.stevedore.web.replica;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stevedore.web.support.ApiTest;

/**
 * The replica listing streams: the first file's line reaches the client while the store's cursor over the dataset is
 * still open, so a client starts on a big dataset at once and the service never holds the whole listing. The client
 * stops reading after the first line; the listing's read transaction must then still be open, held back by the full
 * socket buffers (the listing is several times larger than they are). A listing that read every row before writing
 * its first line would have closed its transaction by then.
 */
class ReplicaListingStreamApiTest extends ApiTest {

    private static final int FILES = 30_000;
    private static final int PER_REQUEST = 5_000;

    @Test
    void theFirstFileLeavesWhileTheStoreCursorIsStillOpen() throws Exception {
        assertThat(api.post("/accounts/root/scopes/user.jdoe", Map.of()).statusCode()).isEqualTo(201);
        assertThat(api.post("/rses/DISK_A", Map.of()).statusCode()).isEqualTo(201);
        assertThat(api.post("/rses/DISK_A/protocols/davs", Map.of("hostname", "se.example.org", "port", 443,
                "prefix", "/dpm/data/a/long/prefix/so/that/each/line/is/long",
                "domains", Map.of("wan", Map.of("read", 1, "write", 1)))).statusCode()).isEqualTo(201);
        assertThat(api.post("/dids/user.jdoe/ds", Map.of("type", "DATASET")).statusCode()).isEqualTo(201);
        for (int from = 0; from < FILES; from += PER_REQUEST) {
            List<Map<String, Object>> files = new ArrayList<>();
            for (int i = from; i < from + PER_REQUEST; i++) {
                files.add(Map.of("scope", "user.jdoe", "name", "file.%06d.with.a.name.as.long.as.real.ones.root".formatted(i),
                        "bytes", 1000 + i, "adler32", "0000beef"));
            }
            var attached = api.post("/dids/user.jdoe/ds/dids", Map.of("rse", "DISK_A", "dids", files));
            assertThat(attached.statusCode()).as(attached.body()).isEqualTo(201);
        }

        HttpRequest request = api.request("/replicas/list", "Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(new ObjectMapper().writeValueAsString(
                        Map.of("dids", dids("user.jdoe", "ds"), "all_states", false))))
                .build();
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(request,
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String first = lines.readLine();
            assertThat(first).contains("\"scope\":\"user.jdoe\"");
            // The client reads nothing more for now: the listing's read transaction must still be running.
            assertThat(openListings()).as("listing transactions open after the first line").isPositive();
            long rest = lines.lines().filter(l -> !l.isBlank()).count();
            assertThat(rest + 1).isEqualTo(FILES);
        }
        assertThat(openListings()).isZero();
    }

    /** The listing's statements running in the store now (SHOW TRANSACTIONS sees every open transaction). */
    private long openListings() {
        return store.read(tx -> tx.run("""
                SHOW TRANSACTIONS YIELD currentQuery
                WHERE currentQuery CONTAINS '-[:CONTAINS]->(f:Did)-[rel:REPLICA]->(r:Rse)'
                  AND NOT currentQuery STARTS WITH 'SHOW'
                RETURN count(*) AS n
                """).single().get("n").asLong());
    }
}
