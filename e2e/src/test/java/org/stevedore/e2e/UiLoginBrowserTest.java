package org.stevedore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/** The login form in a real browser: a wrong password shows the API's message, the right one opens the dashboard. */
class UiLoginBrowserTest extends BrowserTest {

    @Test
    void aWrongPasswordShowsTheApisMessageAndTheRightOneOpensTheDashboard() {
        open("/");
        waitFor(d -> d.getCurrentUrl().endsWith("/ui/login"));
        browser.findElement(By.id("username")).sendKeys("root");
        browser.findElement(By.id("password")).sendKeys("not-the-password");
        browser.findElement(By.id("login")).click();
        String message = waitFor(d -> d.findElement(By.cssSelector(".field-error"))).getText();
        assertThat(message).startsWith("Cannot authenticate");
        screenshot("login-refused");

        login("root", rootPassword);
        assertThat(find(".who .account").getText()).isEqualTo("root");
        assertThat(find(".who .badge.admin").isDisplayed()).isTrue();
        screenshot("dashboard-empty");
        logout();
        open("/ui/");
        waitFor(d -> d.getCurrentUrl().endsWith("/ui/login"));
    }
}
