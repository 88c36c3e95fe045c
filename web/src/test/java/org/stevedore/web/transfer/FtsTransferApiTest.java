package org.stevedore.web.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stevedore.testsupport.fts.Fts3Emulator;
import org.stevedore.testsupport.fts.Fts3EmulatorSettings;
import org.stevedore.web.support.ApiClient;
import org.stevedore.web.support.ApiTest;

/**
 * The running application sends a rule's transfers to the FTS server its destination names in the {@code fts}
 * attribute, set over the API after start-up, with the client made from {@code stevedore.transfer.fts.*} (the test
 * user's proxy, delegated to the emulator, which refuses submissions without a delegated proxy).
 */
class FtsTransferApiTest extends ApiTest {

    @Test
    void aRuleToAnRseWhoseFtsAttributeNamesAServerIsCarriedOutThere() throws Exception {
        try (Fts3Emulator fts = Fts3Emulator.start(Fts3EmulatorSettings.instant().withDelegationRequired(true),
                Clock.systemUTC())) {
            String url = "http://" + fts.endpoint().getHost() + ":" + fts.endpoint().getPort();
            for (String rse : List.of("FTS_A", "FTS_B")) {
                assertThat(api.post("/rses/" + rse, Map.of()).statusCode()).isEqualTo(201);
                var protocol = api.post("/rses/" + rse + "/protocols/davs", Map.of("hostname",
                        rse.toLowerCase().replace('_', '-') + ".example.org", "port", 443, "prefix", "/data",
                        "domains", Map.of("wan", Map.of("read", 1, "write", 1, "delete", 1))));
                assertThat(protocol.statusCode()).as(protocol.body()).isEqualTo(201);
                var attribute = api.post("/rses/" + rse + "/attr/fts", Map.of("value", url));
                assertThat(attribute.statusCode()).as(attribute.body()).isEqualTo(201);
            }
            api.post("/accounts/root/scopes/bmn_run8", Map.of());
            api.post("/dids/bmn_run8/ds", Map.of("type", "DATASET"));
            var registered = api.post("/dids/bmn_run8/ds/dids", Map.of("rse", "FTS_A", "dids", List.of(
                    Map.of("scope", "bmn_run8", "name", "raw.0001", "bytes", 1000, "adler32", "0000abcd"),
                    Map.of("scope", "bmn_run8", "name", "raw.0002", "bytes", 2000, "adler32", "0000abce"))));
            assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);

            var created = api.post("/rules/", Map.of("dids", dids("bmn_run8", "ds"), "copies", 1,
                    "rse_expression", "FTS_B"));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String id = (String) ApiClient.jsonList(created).get(0);
            long deadline = System.nanoTime() + 60_000_000_000L;
            Map<String, Object> rule = ApiClient.json(api.get("/rules/" + id));
            while (!"OK".equals(rule.get("state")) && System.nanoTime() < deadline) {
                Thread.sleep(200);
                rule = ApiClient.json(api.get("/rules/" + id));
            }

            assertThat(rule).containsEntry("state", "OK").containsEntry("locks_ok_cnt", 2);
            // Both files in one job on the one link, recorded under the server's canonical URL.
            assertThat(fts.jobCount()).isEqualTo(1);
            List<Object> requests = ApiClient.jsonList(api.get("/requests/bmn_run8/raw.0002/FTS_B"));
            assertThat(requests).singleElement().satisfies(r -> assertThat(map(r)).containsEntry("state", "DONE")
                    .containsEntry("source_rse", "FTS_A").containsEntry("external_host", url + "/"));
        }
    }
}
