package org.stevedore.web.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stevedore.web.support.ApiClient;
import org.stevedore.web.support.ApiTest;

class AuthApiTest extends ApiTest {

    @Test
    void userpassHandsOutATokenTheWayTheRucioClientExpects() throws Exception {
        var r = new ApiClient(port).get("/auth/userpass", "X-Rucio-Username", "root", "X-Rucio-Password", rootPassword(),
                "X-Rucio-Account", "root");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-Rucio-Auth-Token")).hasValueSatisfying(t -> assertThat(t).startsWith("root-"));
        assertThat(r.headers().firstValue("X-Rucio-Auth-Account")).hasValue("root");
        assertThat(r.headers().firstValue("X-Rucio-Auth-Token-Expires").orElseThrow())
                .matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} UTC");
        String token = r.headers().firstValue("X-Rucio-Auth-Token").orElseThrow();
        Map<String, Object> valid = ApiClient.json(new ApiClient(port).withToken(token).get("/auth/validate"));
        assertThat(valid).containsEntry("account", "root").containsKey("lifetime");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir().resolve("root-password"))))
                .isEqualTo("rw-------");
    }

    @Test
    void everyApiCallNeedsAValidToken() {
        assertError(new ApiClient(port).get("/rses/"), 401, "CannotAuthenticate", "X-Rucio-Auth-Token");
        assertError(new ApiClient(port).withToken("root-forged").get("/rses/"), 401, "CannotAuthenticate", "");
        assertError(new ApiClient(port).get("/auth/userpass", "X-Rucio-Username", "root", "X-Rucio-Password", "wrong"),
                401, "CannotAuthenticate", "credentials");
        assertThat(new ApiClient(port).get("/ping").statusCode()).isEqualTo(200);
        assertThat(ApiClient.json(new ApiClient(port).get("/ping"))).containsKey("version");
        assertThat(new ApiClient(port).get("/actuator/health").statusCode()).isEqualTo(200);
    }

    @Test
    void whoamiRedirectsToTheAccountDocument() {
        var r = api.get("/accounts/whoami");
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.headers().firstValue("Location")).hasValue("root");
        Map<String, Object> account = ApiClient.json(api.get("/accounts/root"));
        assertThat(account).containsEntry("account", "root").containsEntry("status", "ACTIVE").containsKey("account_type");
        assertThat((String) account.get("created_at")).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}");
    }

    @Test
    void accountsIdentitiesAndScopes() {
        assertThat(api.post("/accounts/jdoe", Map.of("type", "USER", "email", "jdoe@example.org")).statusCode()).isEqualTo(201);
        assertThat(api.post("/accounts/jdoe/identities", Map.of("identity", "jdoe", "authtype", "USERPASS",
                "password", "s3cret-pass", "email", "jdoe@example.org")).statusCode()).isEqualTo(201);
        assertThat(api.post("/accounts/jdoe/scopes/user.jdoe", Map.of()).statusCode()).isEqualTo(201);
        assertThat(api.post("/scopes/jdoe/user.jdoe2", Map.of()).statusCode()).isEqualTo(201);
        assertThat(ApiClient.jsonList(api.get("/accounts/jdoe/scopes/"))).containsExactly("user.jdoe", "user.jdoe2");
        assertThat(ApiClient.jsonList(api.get("/scopes/"))).contains("user.jdoe", "user.jdoe2");

        String token = token("jdoe", "s3cret-pass");
        var whoami = new ApiClient(port).withToken(token).get("/accounts/whoami");
        assertThat(whoami.headers().firstValue("Location")).hasValue("jdoe");
        assertThat(ApiClient.docs(api.get("/accounts/"))).extracting(d -> d.get("account")).contains("root", "jdoe");

        long before = graphSize();
        assertError(api.post("/accounts/jdoe", Map.of("type", "USER")), 409, "Duplicate", "jdoe");
        assertError(api.post("/accounts/Bad", Map.of("type", "USER")), 400, "InvalidObject", "'B'");
        assertError(api.post("/accounts/x", Map.of("type", "ROBOT")), 400, "InvalidType", "ROBOT");
        assertError(api.post("/accounts/nobody/scopes/s1", Map.of()), 404, "AccountNotFound", "nobody");
        assertError(api.post("/accounts/jdoe/scopes/user.jdoe", Map.of()), 409, "Duplicate", "user.jdoe");
        assertError(api.get("/accounts/nobody"), 404, "AccountNotFound", "nobody");
        assertThat(graphSize()).isEqualTo(before);
        List<Object> identities = ApiClient.jsonList(api.get("/accounts/jdoe/identities"));
        assertThat(identities).singleElement().satisfies(i -> assertThat(map(i)).containsEntry("type", "USERPASS"));
    }
}
