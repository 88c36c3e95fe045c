package org.stevedore.web.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.web.support.ApiClient;
import org.stevedore.web.support.ApiTest;

/**
 * The dashboard's JSON ({@code /ui/api/dashboard}): the store's figures, and only the caller's scopes' for an
 * ordinary account (admins see all). Rules and requests are written as the engine writes them (the nodes'
 * properties), so the figures are exact.
 */
class UiDashboardRestTest extends ApiTest {

    @BeforeEach
    void twoAccountsTwoScopesTwoRses() {
        assertThat(api.post("/accounts/jdoe", Map.of("type", "USER")).statusCode()).isEqualTo(201);
        assertThat(api.post("/accounts/jdoe/identities", Map.of("identity", "jdoe", "authtype", "USERPASS",
                "password", "secret-jdoe", "email", "jdoe@example.org")).statusCode()).isEqualTo(201);
        assertThat(api.post("/accounts/jdoe/scopes/user.jdoe", null).statusCode()).isEqualTo(201);
        assertThat(api.post("/accounts/root/scopes/other", null).statusCode()).isEqualTo(201);
        assertThat(api.post("/rses/SITE_A", Map.of()).statusCode()).isEqualTo(201);
        assertThat(api.post("/rses/SITE_B", Map.of()).statusCode()).isEqualTo(201);
        long now = System.currentTimeMillis();
        store.run("""
                MATCH (b:Rse {rse: 'SITE_B'})
                CREATE (:Rule {id: 'r-jdoe', scope: 'user.jdoe', state: 'OK'}),
                       (:Rule {id: 'r-other', scope: 'other', state: 'STUCK'}),
                       (:Request {key: 'user.jdoe:f1|' + b.id, did_key: 'user.jdoe:f1', dest_rse_id: b.id,
                                  source_rse: 'SITE_A', state: 'DONE', bytes: 1000, created_at: $now,
                                  transferred_at: $now}),
                       (:Request {key: 'user.jdoe:f2|' + b.id, did_key: 'user.jdoe:f2', dest_rse_id: b.id,
                                  state: 'QUEUED', bytes: 10, created_at: $now}),
                       (:Request {key: 'other:f3|' + b.id, did_key: 'other:f3', dest_rse_id: b.id,
                                  source_rse: 'SITE_A', state: 'FAILED', error: 'checksum mismatch', bytes: 5,
                                  created_at: $now, updated_at: $now}),
                       (:Request {key: 'other:old|' + b.id, did_key: 'other:old', dest_rse_id: b.id,
                                  source_rse: 'SITE_A', state: 'DONE', bytes: 7, created_at: 0, transferred_at: 0})
                """, Map.of("now", now));
    }

    private Map<String, Object> dashboard(UiClient browser) {
        HttpResponse<String> r = browser.get("/ui/api/dashboard", "Accept", "application/json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return ApiClient.json(r);
    }

    @Test
    void anAdminSeesEveryScopesFiguresOfTheLastHour() {
        Map<String, Object> d = dashboard(new UiClient(port).login("root", rootPassword()));
        assertThat(map(d.get("rules"))).containsEntry("OK", 1).containsEntry("STUCK", 1);
        Map<String, Object> t = map(d.get("transfers"));
        assertThat(t).containsEntry("done", 1).containsEntry("bytes", 1000).containsEntry("failed", 1)
                .containsEntry("queued", 1);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> links = (List<Map<String, Object>>) t.get("links");
        assertThat(links).extracting(l -> l.get("source") + ">" + l.get("destination"))
                .containsExactly(">SITE_B", "SITE_A>SITE_B");
        assertThat(links.get(1)).containsEntry("done", 1).containsEntry("failed", 1);
        assertThat((List<?>) d.get("rses")).hasSize(2);
    }

    @Test
    void anOrdinaryAccountSeesOnlyItsOwnScopesFigures() {
        Map<String, Object> d = dashboard(new UiClient(port).login("jdoe", "secret-jdoe"));
        assertThat(map(d.get("rules"))).containsOnlyKeys("OK").containsEntry("OK", 1);
        Map<String, Object> t = map(d.get("transfers"));
        assertThat(t).containsEntry("done", 1).containsEntry("failed", 0).containsEntry("queued", 1);
        assertThat(d.toString()).doesNotContain("checksum mismatch");
    }
}
