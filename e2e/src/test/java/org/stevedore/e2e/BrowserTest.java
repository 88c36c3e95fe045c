package org.stevedore.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.stevedore.testsupport.Counterparts;

/**
 * Base of the web UI's browser tests: one service instance per test class (its own JVM, embedded store, seeded by
 * {@link #seed}), shared by the class's tests, and a headless Debian chromium driven through Debian's chromedriver
 * with a fresh profile. No Selenium Manager: the browser and driver are the installed packages' (the DevTools
 * module matches chromium's version). {@link #screenshot} writes a PNG of the page under
 * {@code target/screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BrowserTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    protected ServiceInstance instance;
    protected WebDriver browser;
    protected String rootPassword;
    private Path dir;
    private ChromeDriverService driverService;

    @BeforeAll
    void startServiceAndBrowser() throws IOException {
        Counterparts.require(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "chromium and chromedriver (Debian packages chromium, chromium-driver)");
        dir = Files.createTempDirectory("stevedore-ui-" + getClass().getSimpleName());
        Map<String, String> settings = new LinkedHashMap<>(settings());
        instance = ServiceInstance.start(getClass().getSimpleName(), dir.resolve("service"), settings, Map.of())
                .awaitUp(Duration.ofMinutes(4));
        rootPassword = Files.readString(instance.dataDir().resolve("root-password")).trim();
        seed();
        browser = newBrowser(dir.resolve("chromium-profile"));
    }

    /** Settings of the service instance on top of ServiceInstance's; override to add. */
    protected Map<String, String> settings() {
        return Map.of();
    }

    /** Seeds the store through the API before the browser starts. */
    protected void seed() {
    }

    @AfterAll
    void stopServiceAndBrowser() {
        if (browser != null) {
            browser.quit();
        }
        if (driverService != null) {
            driverService.stop();
        }
        if (instance != null) {
            instance.close();
        }
    }

    private WebDriver newBrowser(Path profile) throws IOException {
        Files.createDirectories(profile);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1366,900", "--user-data-dir=" + profile.toAbsolutePath());
        driverService = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().withLogFile(dir.resolve("chromedriver.log").toFile()).build();
        ChromeDriver driver = new ChromeDriver(driverService, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        return driver;
    }

    /** The service's URL of a path. */
    protected String url(String path) {
        return instance.baseUrl() + path;
    }

    protected void open(String path) {
        browser.get(url(path));
    }

    /** Logs in through the login form. */
    protected void login(String username, String password) {
        open("/ui/login");
        browser.findElement(By.id("username")).sendKeys(username);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("login")).click();
        waitFor(d -> d.getCurrentUrl().endsWith("/ui/"));
    }

    /** Logs out through the layout's button (the session ends server-side). */
    protected void logout() {
        browser.findElement(By.id("logout")).click();
        waitFor(d -> d.getCurrentUrl().endsWith("/ui/login"));
    }

    protected <T> T waitFor(Function<WebDriver, T> condition) {
        return waitFor(Duration.ofSeconds(30), condition);
    }

    /**
     * Waits until {@code condition} answers non-null and not false. An element that went stale while the condition
     * read it (the page was replaced under it, as after a form's POST and redirect) counts as not yet.
     */
    protected <T> T waitFor(Duration timeout, Function<WebDriver, T> condition) {
        return new WebDriverWait(browser, timeout, Duration.ofMillis(200))
                .ignoring(StaleElementReferenceException.class).until(condition::apply);
    }

    protected WebElement find(String css) {
        return browser.findElement(By.cssSelector(css));
    }

    /** Writes a PNG of the browser's viewport as {@code target/screenshots/<test class>-<name>.png}. */
    protected Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path target = SCREENSHOTS.resolve(getClass().getSimpleName() + "-" + name + ".png");
            Path png = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(png, target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
