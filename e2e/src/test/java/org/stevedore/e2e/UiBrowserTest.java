package org.stevedore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import eu.emi.security.authn.x509.impl.PEMCredential;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.Adler32;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.stevedore.auth.pki.DevPki;
import org.stevedore.testsupport.server.ServerProcesses;

/**
 * The web UI in a real browser against a service with seeded data: two posix RSEs with a dataset copied between
 * them, a campaign staging from the emulated tape (slow mounts, so it is still running), an ordinary account.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UiBrowserTest extends BrowserTest {

    private final int httpsPort = ServerProcesses.freePort();
    private Http root;
    private String campaignId;

    @Override
    protected Map<String, String> settings() {
        return Map.of("stevedore.x509.enabled", "true", "stevedore.x509.port", Integer.toString(httpsPort),
                // Slow mounts keep the campaign RUNNING while the test pauses it.
                "stevedore.campaigns.local-tape.mount-latency", "60s");
    }

    @Override
    protected void seed() {
        try {
            root = Http.login(instance.baseUrl(), "root", rootPassword);
            Path storage = instance.dataDir().resolve("storage");
            ScaleOutFixture.posixRse(root, "UI_SRC", storage.resolve("src"));
            ScaleOutFixture.posixRse(root, "UI_DST", storage.resolve("dst"));
            Http.expect(root.post("/accounts/root/scopes/ui", Map.of()), 201);
            ScaleOutFixture.files(root, "ui", "ds1", "first", 4, 200_000, storage.resolve("src"), "UI_SRC",
                    storage.resolve("dst"), 1);
            ScaleOutFixture.files(root, "ui", "ds2", "second", 3, 200_000, storage.resolve("src"), "UI_SRC",
                    storage.resolve("dst"), 2);
            rule("ds1");
            Http.expect(root.post("/accounts/jdoe", Map.of("type", "USER")), 201);
            Http.expect(root.post("/accounts/jdoe/identities", Map.of("identity", "jdoe", "authtype", "USERPASS",
                    "password", "secret-jdoe", "email", "jdoe@example.org")), 201);
            Http.expect(root.post("/accounts/jdoe/identities", Map.of("identity", DevPki.USER_DN,
                    "authtype", "X509", "email", "jdoe@example.org")), 201);
            Http.expect(root.post("/accounts/jdoe/scopes/user.jdoe", Map.of()), 201);
            campaignId = tapeCampaign();
            waitForDone(4);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void rule(String dataset) {
        Http.expect(root.post("/rules/", Map.of("dids", List.of(Map.of("scope", "ui", "name", dataset)),
                "copies", 1, "rse_expression", "UI_DST")), 201);
    }

    private void waitForDone(int files) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            String body = Http.expect(root.get("/requests/list?state=DONE"), 200);
            if (body.split("\n").length >= files && !body.isBlank()) {
                return;
            }
            Thread.sleep(500);
        }
    }

    private String tapeCampaign() throws Exception {
        Http.expect(root.post("/accounts/root/scopes/run8", Map.of()), 201);
        Http.expect(root.post("/dids/run8/raw", Map.of("type", "DATASET")), 201);
        Path tape = instance.dataDir().resolve("rses").resolve("local_tape");
        for (int i = 0; i < 3; i++) {
            String name = "raw.%d".formatted(i);
            byte[] content = ("raw data " + i + "\n").repeat(1000).getBytes(StandardCharsets.UTF_8);
            Path file = tape.resolve("run8").resolve(name);
            Files.createDirectories(file.getParent());
            Files.write(file, content);
            Adler32 adler = new Adler32();
            adler.update(content);
            Http.expect(root.post("/dids/run8/raw/dids", Map.of("rse", "LOCAL_TAPE", "dids", List.of(Map.of(
                    "scope", "run8", "name", name, "bytes", content.length,
                    "adler32", "%08x".formatted(adler.getValue()), "pfn", "file://" + file)))), 201);
        }
        return (String) Http.object(Http.expect(root.post("/campaigns", Map.of("dids",
                List.of(Map.of("scope", "run8", "name", "raw")), "rse_expression", "LOCAL_TAPE",
                "window_files", 1)), 201)).get("id");
    }

    private long figure(String id) {
        String text = find("#" + id).getText().replace(",", "");
        return text.matches("\\d+") ? Long.parseLong(text) : -1;
    }

    @Test
    @Order(1)
    void theDashboardDrawsItsChartsAndAFigureChangesLiveWhenTransfersComplete() throws Exception {
        login("root", rootPassword);
        waitFor(d -> figure("transfers-done") >= 4);
        long before = figure("transfers-done");
        waitFor(d -> !d.findElements(By.cssSelector("#usage-history .uplot canvas")).isEmpty());
        assertThat(browser.findElements(By.cssSelector("#rules-chart .row"))).isNotEmpty();
        ((JavascriptExecutor) browser).executeScript("window.__sameDocument = true;");
        rule("ds2");
        waitFor(Duration.ofMinutes(2), d -> figure("transfers-done") >= before + 3);
        assertThat(((JavascriptExecutor) browser).executeScript("return window.__sameDocument === true;"))
                .as("updated without reloading the page").isEqualTo(true);
        assertThat(find("#links").getText()).contains("UI_SRC → UI_DST");
        Path shot = screenshot("dashboard");
        // The README's picture of the dashboard, refreshed only when asked (-Dstevedore.refresh-screenshots=true), so
        // an ordinary run leaves the checkout as it found it.
        Path docs = Path.of("..", "docs", "img");
        if (Boolean.getBoolean("stevedore.refresh-screenshots") && Files.isDirectory(docs.getParent())) {
            Files.createDirectories(docs);
            Files.copy(shot, docs.resolve("ui-dashboard.png"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    @Order(2)
    void theRsePageShowsProtocolsAndUsage() {
        open("/ui/rses");
        screenshot("rses");
        browser.findElement(By.linkText("UI_SRC")).click();
        waitFor(d -> d.findElement(By.id("rse-name")).getText().equals("UI_SRC"));
        assertThat(find("#protocols").getText()).contains("file");
        screenshot("rse");
    }

    @Test
    @Order(3)
    void theTransferMatrixDrillsDownToTheLinksRequests() {
        open("/ui/transfers");
        screenshot("transfers");
        find("a[data-link='UI_SRC>UI_DST']").click();
        waitFor(d -> d.findElement(By.id("link-name")).getText().equals("UI_SRC → UI_DST"));
        assertThat(find("#requests").getText()).contains("ui:first.00000", "DONE");
        screenshot("transfer-link");
    }

    @Test
    @Order(4)
    void aCampaignIsPausedFromItsPage() {
        open("/ui/campaigns");
        screenshot("campaigns");
        open("/ui/campaigns/" + campaignId);
        assertThat(find("#campaign-state").getText()).isEqualTo("RUNNING");
        find("#pause").click();
        waitFor(d -> d.findElement(By.id("campaign-state")).getText().equals("PAUSED"));
        assertThat(browser.findElements(By.id("resume"))).hasSize(1);
        assertThat(Http.object(Http.expect(root.get("/campaigns/" + campaignId), 200))).containsEntry("state",
                "PAUSED");
        screenshot("campaign");
        open("/ui/tasks");
        screenshot("tasks");
    }

    @Test
    @Order(5)
    void aPostWithoutTheCsrfTokenIsRefusedAndChangesNothing() {
        open("/ui/");
        Object status = ((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch('/ui/campaigns/' + arguments[0] + '/resume', {method: 'POST'}).then(r => done(r.status));
                """, campaignId);
        assertThat(status).isEqualTo(403L);
        assertThat(Http.object(Http.expect(root.get("/campaigns/" + campaignId), 200))).containsEntry("state",
                "PAUSED");
    }

    @Test
    @Order(6)
    void anOrdinaryAccountSeesNoAdminButtonsNorOtherScopesData() {
        logout();
        login("jdoe", "secret-jdoe");
        assertThat(browser.findElements(By.cssSelector(".badge.admin"))).isEmpty();
        waitFor(d -> figure("transfers-done") == 0);
        screenshot("dashboard-jdoe");
        open("/ui/transfers");
        assertThat(browser.findElements(By.id("matrix-empty"))).hasSize(1);
        open("/ui/campaigns");
        assertThat(browser.getPageSource()).doesNotContain(campaignId);
        open("/ui/campaigns/" + campaignId);
        assertThat(browser.findElements(By.id("pause"))).isEmpty();
        assertThat(browser.findElements(By.id("resume"))).isEmpty();
        assertThat(find("#error-message").getText()).contains("cannot see campaign");
        screenshot("campaign-refused");
        logout();
    }

    @Test
    @Order(7)
    void theDevCertificateLogsInOnTheHttpsConnector() throws Exception {
        Path pki = instance.dataDir().resolve("pki");
        PEMCredential user = new PEMCredential(pki.resolve("userkey.pem").toString(),
                pki.resolve("usercert.pem").toString(), null);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream ca = Files.newInputStream(pki.resolve("ca.pem"))) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(ca));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(new KeyManager[]{user.getKeyManager()}, tmf.getTrustManagers(), new SecureRandom());
        HttpClient http = HttpClient.newBuilder().sslContext(ssl).build();
        String base = "https://localhost:" + httpsPort;
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(base + "/ui/login/x509"))
                .header("Accept", "text/html").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).as(login.body()).isEqualTo(302);
        String cookie = login.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("stevedore_ui="))
                .findFirst().orElseThrow();
        assertThat(cookie).contains("Secure", "HttpOnly", "SameSite=Strict", "Path=/ui");
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/ui/"))
                .header("Accept", "text/html").header("Cookie", cookie.split(";", 2)[0]).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains(">jdoe<");
    }
}
