package org.stevedore.web.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.web.support.ApiClient;
import org.stevedore.web.support.ApiTest;

/**
 * Suspending or deleting an account, or removing the identity a session was opened with, refuses the very next
 * request of its tokens, also when another instance sharing the store made the change (here: a write straight to the
 * store, which no cache of this instance hears of), and the refused request writes nothing.
 */
class SessionEndApiTest extends ApiTest {

    private ApiClient jdoe;

    @BeforeEach
    void jdoeWritingInHisScope() {
        api.post("/accounts/jdoe", Map.of("type", "USER"));
        api.post("/accounts/jdoe/identities", Map.of("identity", "jdoe", "authtype", "USERPASS",
                "password", "pw-jdoe-123"));
        api.post("/accounts/jdoe/scopes/user.jdoe", Map.of());
        jdoe = new ApiClient(port).withToken(token("jdoe", "pw-jdoe-123"));
        assertThat(jdoe.post("/dids/user.jdoe/first", Map.of("type", "DATASET")).statusCode()).isEqualTo(201);
    }

    @Test
    void aSuspendedAccountsTokenIsRefusedOnTheNextRequest() {
        assertThat(api.put("/accounts/jdoe", Map.of("status", "SUSPENDED")).statusCode()).isEqualTo(201);

        long before = graphSize();
        assertError(jdoe.post("/dids/user.jdoe/second", Map.of("type", "DATASET")), 401, "CannotAuthenticate",
                "not active");
        assertThat(graphSize()).isEqualTo(before);
    }

    @Test
    void aSuspensionByAnotherInstanceIsHonouredOnTheNextRequestToo() {
        store.run("MATCH (a:Account {account: 'jdoe'}) SET a.status = 'SUSPENDED'", Map.of());

        long before = graphSize();
        assertError(jdoe.post("/dids/user.jdoe/second", Map.of("type", "DATASET")), 401, "CannotAuthenticate",
                "Cannot authenticate");
        assertThat(graphSize()).isEqualTo(before);

        store.run("MATCH (a:Account {account: 'jdoe'}) SET a.status = 'ACTIVE'", Map.of());
        assertThat(jdoe.post("/dids/user.jdoe/second", Map.of("type", "DATASET")).statusCode()).isEqualTo(201);
    }

    @Test
    void aDeletedAccountsTokenAndARemovedIdentitysTokenAreRefusedOnTheNextRequest() {
        ApiClient other = new ApiClient(port).withToken(token("jdoe", "pw-jdoe-123"));
        assertThat(api.delete("/accounts/jdoe/identities", Map.of("identity", "jdoe", "authtype", "USERPASS"))
                .statusCode()).isEqualTo(200);
        long before = graphSize();
        assertError(other.post("/dids/user.jdoe/second", Map.of("type", "DATASET")), 401, "CannotAuthenticate",
                "Cannot authenticate");
        assertThat(graphSize()).isEqualTo(before);

        api.post("/accounts/jdoe/identities", Map.of("identity", "jdoe", "authtype", "USERPASS",
                "password", "pw-jdoe-123"));
        ApiClient again = new ApiClient(port).withToken(token("jdoe", "pw-jdoe-123"));
        assertThat(again.get("/accounts/whoami").statusCode()).isEqualTo(303);
        assertThat(api.delete("/accounts/jdoe", null).statusCode()).isEqualTo(200);
        before = graphSize();
        assertError(again.post("/dids/user.jdoe/second", Map.of("type", "DATASET")), 401, "CannotAuthenticate",
                "Cannot authenticate");
        assertThat(graphSize()).isEqualTo(before);
    }
}
