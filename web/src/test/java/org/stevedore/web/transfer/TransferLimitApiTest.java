package org.stevedore.web.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stevedore.web.support.ApiClient;
import org.stevedore.web.support.ApiTest;

/** Transfer limits of an RSE over REST: set, list, replace, remove, and the refusals. */
class TransferLimitApiTest extends ApiTest {

    @Test
    void limitsAreSetListedReplacedAndRemoved() {
        assertThat(api.post("/rses/JINR_DISK", Map.of()).statusCode()).isEqualTo(201);

        var all = api.put("/rses/JINR_DISK/transfer_limits", Map.of("max_transfers", 100));
        assertThat(all.statusCode()).as(all.body()).isEqualTo(200);
        assertThat(ApiClient.json(all)).containsEntry("activity", "*").containsEntry("max_transfers", 100)
                .containsEntry("max_bytes", null);
        api.put("/rses/JINR_DISK/transfer_limits", Map.of("activity", "Production", "max_transfers", 10));
        api.put("/rses/JINR_DISK/transfer_limits", Map.of("activity", "Production", "max_bytes", 5_000_000_000L));

        var listed = ApiClient.jsonList(api.get("/rses/JINR_DISK/transfer_limits"));
        assertThat(listed).hasSize(2);
        assertThat(map(listed.get(1))).containsEntry("activity", "Production").containsEntry("max_transfers", null)
                .containsEntry("max_bytes", 5_000_000_000L);

        assertThat(api.delete("/rses/JINR_DISK/transfer_limits?activity=Production", null).statusCode()).isEqualTo(200);
        assertThat(api.delete("/rses/JINR_DISK/transfer_limits", null).statusCode()).isEqualTo(200);
        assertThat(ApiClient.jsonList(api.get("/rses/JINR_DISK/transfer_limits"))).isEmpty();
    }

    @Test
    void badLimitsUnknownRsesAndOtherAccountsAreRefusedAndChangeNothing() {
        api.post("/rses/JINR_DISK", Map.of());
        api.post("/accounts/jdoe", Map.of("type", "USER"));
        api.post("/accounts/jdoe/identities", Map.of("identity", "jdoe", "authtype", "USERPASS", "password", "pw-jdoe-123"));
        ApiClient jdoe = new ApiClient(port).withToken(token("jdoe", "pw-jdoe-123"));
        long before = graphSize();

        assertError(api.put("/rses/JINR_DISK/transfer_limits", Map.of("activity", "Production")), 400, "InvalidObject",
                "max_transfers or max_bytes");
        assertError(api.put("/rses/JINR_DISK/transfer_limits", Map.of("max_transfers", -1)), 400, "InvalidObject",
                "max_transfers");
        assertError(api.put("/rses/JINR_DISK/transfer_limits", Map.of("max_bytes", "lots")), 400, "InvalidObject",
                "max_bytes");
        assertError(api.put("/rses/NOWHERE/transfer_limits", Map.of("max_transfers", 1)), 404, "RSENotFound",
                "NOWHERE");
        assertError(api.delete("/rses/JINR_DISK/transfer_limits?activity=Express", null), 404, "KeyNotFound",
                "Express");
        assertError(jdoe.put("/rses/JINR_DISK/transfer_limits", Map.of("max_transfers", 1)), 403, "AccessDenied",
                "set_rse_limit");
        assertThat(graphSize()).isEqualTo(before);
    }
}
