package org.stevedore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

/**
 * The DID and rule pages in a real browser against a running service: a DID search, a rule created after its dry
 * run and followed to OK on its page without a reload (real copies between two posix RSEs), a STUCK rule's reason,
 * and a refused form that shows the API's message and creates nothing.
 */
class CatalogPagesBrowserTest extends BrowserTest {

    private Http api;

    @Override
    protected void seed() {
        try {
            api = Http.login(instance.baseUrl(), "root", rootPassword);
            Path storage = Files.createTempDirectory("stevedore-ui-storage");
            ScaleOutFixture.posixRse(api, "UI_A", storage.resolve("UI_A"));
            ScaleOutFixture.posixRse(api, "UI_B", storage.resolve("UI_B"));
            Http.expect(api.post("/accounts/root/scopes/ui", Map.of()), 201);
            ScaleOutFixture.files(api, "ui", "run.raw", "f", 3, 4096, storage.resolve("UI_A"), "UI_A",
                    storage.resolve("UI_B"), 11);
            Http.expect(api.post("/dids/ui/run.raw/meta", Map.of("meta", Map.of("stream", "physics"))), 201);
            // A file nobody has a copy of: a rule on its dataset is STUCK at once, with the reason.
            Http.expect(api.post("/dids/ui/lost", Map.of("type", "DATASET")), 201);
            Http.expect(api.post("/dids/ui/nowhere", Map.of("type", "FILE", "bytes", 10)), 201);
            Http.expect(api.post("/dids/ui/lost/dids", Map.of("dids", List.of(Map.of("scope", "ui", "name", "nowhere")))),
                    201);
            Http.expect(api.post("/rules/", Map.of("dids", List.of(Map.of("scope", "ui", "name", "lost")),
                    "copies", 1, "rse_expression", "UI_B")), 201);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeEach
    void loggedIn() {
        login("root", rootPassword);
    }

    @Test
    void searchADidAndOpenIt() {
        open("/ui/dids");
        find("#scope").sendKeys("ui");
        find("#name").sendKeys("run*");
        find("#meta").sendKeys("stream=physics");
        find("#search").click();
        WebElement hit = waitFor(d -> d.findElement(By.linkText("ui:run.raw")));
        assertThat(browser.findElements(By.cssSelector(".did-row"))).hasSize(1);
        screenshot("did-search");
        hit.click();
        waitFor(d -> d.findElement(By.id("did-name")));
        assertThat(find("#did-content").getText()).contains("ui:f.00000", "ui:f.00002");
        assertThat(find("#did-replicas").getText()).contains("UI_A", "AVAILABLE");
        assertThat(find("#did-meta").getText()).contains("physics");
        screenshot("did-page");
    }

    @Test
    void createARuleAfterItsDryRunAndWatchItReachOkWithoutReload() {
        open("/ui/rules/new?dids=ui:run.raw");
        find("#rse_expression").sendKeys("UI_B");
        find("#dry-run").click();
        waitFor(d -> d.findElement(By.id("plan")));
        assertThat(find("#plan-transfers").getText()).isEqualTo("3");
        assertThat(find("#plan-bytes").getText()).isEqualTo("12,288");
        assertThat(find(".plan-rse").getText()).contains("UI_B");
        screenshot("rule-dry-run");
        find("#create").click();
        waitFor(d -> d.getCurrentUrl().matches(".*/ui/rules/[0-9a-f]{32}$"));
        // A mark in the page's window: a reload would lose it.
        ((JavascriptExecutor) browser).executeScript("window.stillTheSamePage = true;");
        waitFor(Duration.ofMinutes(2), d -> "OK".equals(d.findElement(By.id("rule-state")).getText()));
        assertThat(((JavascriptExecutor) browser).executeScript("return window.stillTheSamePage === true;"))
                .isEqualTo(true);
        assertThat(find("#locks-ok").getText()).isEqualTo("3");
        assertThat(find("#history-rows").getText()).contains("REPLICATING", "OK");
        screenshot("rule-ok");
    }

    @Test
    void openAStuckRuleAndReadItsLocksReason() {
        open("/ui/rules?state=STUCK");
        waitFor(d -> d.findElement(By.cssSelector(".rule-row a"))).click();
        String reason = waitFor(d -> d.findElement(By.cssSelector(".stuck-reason"))).getText();
        assertThat(reason).isEqualTo("No replica of 'ui:nowhere' exists anywhere to copy from");
        assertThat(find("#rule-state").getText()).isEqualTo("STUCK");
        screenshot("rule-stuck");
    }

    @Test
    void badInputShowsTheApisMessageNextToTheFieldAndCreatesNothing() {
        int rules = Http.lines(Http.expect(api.get("/rules/"), 200)).size();
        open("/ui/rules/new?dids=ui:run.raw");
        find("#rse_expression").sendKeys("NOWHERE");
        find("#dry-run").click();
        WebElement error = waitFor(d -> d.findElement(By.cssSelector("#rse_expression ~ .field-error, "
                + "label:has(#rse_expression) + .field-error")));
        String expected = (String) Http.object(api.post("/rules/", Map.of("dids",
                List.of(Map.of("scope", "ui", "name", "run.raw")), "copies", 1, "rse_expression", "NOWHERE"))
                .body()).get("ExceptionMessage");
        assertThat(error.getText()).isEqualTo(expected);
        assertThat(browser.findElements(By.id("create"))).isEmpty();
        screenshot("rule-form-refused");
        assertThat(Http.lines(Http.expect(api.get("/rules/"), 200))).hasSize(rules);
    }
}
