package org.stevedore.web.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stevedore.web.support.ApiClient;
import org.stevedore.web.support.ApiTest;

/**
 * The web UI's session: the login form, the cookie's attributes, CSRF refusals, logout, the browser's redirect and
 * the API's unchanged answers. Over plain HTTP on loopback (password logins allowed there by default).
 */
class UiSessionRestTest extends ApiTest {

    @Test
    void aBrowserOpeningTheRootIsSentToTheUiWhileApiClientsKeepTheir401() {
        HttpResponse<String> browser = new UiClient(port).get("/");
        assertThat(browser.statusCode()).isEqualTo(302);
        assertThat(browser.headers().firstValue("Location").orElseThrow()).endsWith("/ui/");

        HttpResponse<String> noSession = new UiClient(port).get("/ui/");
        assertThat(noSession.statusCode()).isEqualTo(302);
        assertThat(noSession.headers().firstValue("Location").orElseThrow()).endsWith("/ui/login");
        assertThat(new UiClient(port).get("/ui").headers().firstValue("Location").orElseThrow())
                .endsWith("/ui/login");

        assertError(new ApiClient(port).get("/"), 401, "CannotAuthenticate", "No auth token");
        assertError(new ApiClient(port).get("/", "Accept", "application/json"), 401, "CannotAuthenticate",
                "No auth token");
        assertError(new ApiClient(port).get("/ui/api/dashboard"), 401, "CannotAuthenticate", "/ui/login");
    }

    @Test
    void loggingInSetsAnHttpOnlySameSiteStrictCookieOnUiOnlyLivingAsLongAsTheToken() {
        UiClient browser = new UiClient(port);
        HttpResponse<String> form = browser.get("/ui/login");
        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(form.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(UiClient.setCookies(form, UiSessions.LOGIN_COOKIE).get(0))
                .contains("HttpOnly", "SameSite=Strict", "Path=/ui").doesNotContain("Secure");

        HttpResponse<String> login = browser.postForm("/ui/login", "_csrf", browser.csrf(),
                "username", "root", "password", rootPassword());
        assertThat(login.statusCode()).as(login.body()).isEqualTo(302);
        List<String> set = UiClient.setCookies(login, UiSessions.SESSION_COOKIE);
        assertThat(set).hasSize(1);
        String cookie = set.get(0);
        assertThat(cookie).contains("HttpOnly", "SameSite=Strict", "Path=/ui").doesNotContain("Secure");
        long maxAge = Long.parseLong(cookie.replaceAll(".*Max-Age=(\\d+).*", "$1"));
        // The token lifetime is 1h by default: the cookie lives exactly as long.
        assertThat(maxAge).isBetween(3500L, 3600L);

        HttpResponse<String> dashboard = browser.get("/ui/");
        assertThat(dashboard.statusCode()).isEqualTo(200);
        assertThat(dashboard.body()).contains("Dashboard", ">root<", "badge admin", "Log out");
    }

    @Test
    void theUiCookieNeverAuthenticatesTheApi() {
        UiClient browser = new UiClient(port).login("root", rootPassword());
        String token = browser.cookie(UiSessions.SESSION_COOKIE);
        assertError(new ApiClient(port).get("/accounts/whoami", "Cookie", UiSessions.SESSION_COOKIE + "=" + token),
                401, "CannotAuthenticate", "No auth token");
    }

    @Test
    void aWrongPasswordReRendersTheFormWithTheApisMessageAndNoSession() {
        UiClient browser = new UiClient(port);
        browser.get("/ui/login");
        HttpResponse<String> r = browser.postForm("/ui/login", "_csrf", browser.csrf(),
                "username", "root", "password", "wrong");
        HttpResponse<String> api = new ApiClient(port).get("/auth/userpass",
                "X-Rucio-Username", "root", "X-Rucio-Password", "wrong");
        String apiMessage = (String) ApiClient.json(api).get("ExceptionMessage");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("class=\"field-error\"", "data-exception-class=\"CannotAuthenticate\"",
                org.springframework.web.util.HtmlUtils.htmlEscape(apiMessage));
        assertThat(UiClient.setCookies(r, UiSessions.SESSION_COOKIE)).isEmpty();
    }

    @Test
    void aLoginWithoutTheFormsCsrfTokenIsRefusedAndOpensNoSession() {
        long before = graphSize();
        UiClient browser = new UiClient(port);
        browser.get("/ui/login");
        HttpResponse<String> none = browser.postForm("/ui/login", "username", "root", "password", rootPassword());
        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(none.body()).contains("CSRF");
        HttpResponse<String> wrong = browser.postForm("/ui/login", "_csrf", "forged", "username", "root",
                "password", rootPassword());
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(UiClient.setCookies(wrong, UiSessions.SESSION_COOKIE)).isEmpty();
        // A client that does not accept HTML gets the API's refusal: Rucio's JSON shape, headers included.
        assertError(new ApiClient(port).post("/ui/login", Map.of()), 403, "AccessDenied", "CSRF token");
        assertError(new ApiClient(port).get("/ui/login/x509"), 401, "CannotAuthenticate", "client certificate");
        assertThat(graphSize()).isEqualTo(before);
    }

    @Test
    void logoutNeedsTheSessionsCsrfTokenAndThenEndsTheSessionServerSide() {
        UiClient browser = new UiClient(port).login("root", rootPassword());
        String token = browser.cookie(UiSessions.SESSION_COOKIE);
        browser.get("/ui/");
        String csrf = browser.csrf();
        assertThat(csrf).isEqualTo(UiSessions.csrfToken(token));

        HttpResponse<String> forged = browser.postForm("/ui/logout", "_csrf", "x" + csrf);
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(browser.postForm("/ui/logout").statusCode()).isEqualTo(403);
        assertThat(browser.get("/ui/").statusCode()).isEqualTo(200);

        HttpResponse<String> out = browser.postForm("/ui/logout", "_csrf", csrf);
        assertThat(out.statusCode()).isEqualTo(302);
        assertThat(UiClient.setCookies(out, UiSessions.SESSION_COOKIE).get(0)).contains("Max-Age=0");
        // The old cookie, replayed, is dead: the token was revoked, not just forgotten by the browser.
        UiClient replay = new UiClient(port);
        replay.setCookie(UiSessions.SESSION_COOKIE, token);
        assertThat(replay.get("/ui/").headers().firstValue("Location").orElseThrow()).endsWith("/ui/login");
        assertError(new ApiClient(port).withToken(token).get("/accounts/whoami"), 401, "CannotAuthenticate", "");
    }

    @Test
    void anOrdinaryAccountSeesNoAdminBadge() {
        assertThat(api.post("/accounts/jdoe", Map.of("type", "USER")).statusCode()).isEqualTo(201);
        assertThat(api.post("/accounts/jdoe/identities", Map.of("identity", "jdoe", "authtype", "USERPASS",
                "password", "secret-jdoe", "email", "jdoe@example.org")).statusCode()).isEqualTo(201);
        UiClient browser = new UiClient(port).login("jdoe", "secret-jdoe");
        HttpResponse<String> page = browser.get("/ui/");
        assertThat(page.body()).contains(">jdoe<").doesNotContain("badge admin");
    }

    @Test
    void assetsAndUplotAreServedWithoutLogin() {
        HttpResponse<String> css = new UiClient(port).get("/ui/assets/ui.css");
        assertThat(css.statusCode()).isEqualTo(200);
        HttpResponse<String> uplot = new UiClient(port).get("/ui/assets/uplot/uPlot.iife.min.js");
        assertThat(uplot.statusCode()).isEqualTo(200);
        assertThat(uplot.body()).contains("uPlot");
    }
}
