package dev.freight.web;

import dev.freight.testing.Await;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.stream.Stream;

/**
 * Debian's headless Chromium driven through Debian's chromedriver ({@code scripts/install-browser.sh} installs
 * both). Nothing is downloaded: the driver and browser paths are given, so Selenium Manager never runs. Without
 * them the browser tests are skipped with a loud message, except under CI=true, where they fail.
 */
final class Browser implements AutoCloseable {
    static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    private static final List<Path> BROWSERS = List.of(Path.of("/usr/bin/chromium"), Path.of("/usr/bin/chromium-browser"));

    final ChromeDriver driver;
    final Path downloads;
    final String baseUrl;
    private final String prefix;

    private Browser(ChromeDriver driver, Path downloads, String baseUrl, String prefix) {
        this.driver = driver;
        this.downloads = downloads;
        this.baseUrl = baseUrl;
        this.prefix = prefix;
    }

    /** Skips (or, under CI, fails) when Chromium or chromedriver is missing. */
    static void requireInstalled() {
        boolean browser = BROWSERS.stream().anyMatch(Files::isExecutable);
        if (Files.isExecutable(DRIVER) && browser) return;
        String message = "Chromium and/or chromedriver are not installed (" + DRIVER + ", " + BROWSERS
                + "): install them with scripts/install-browser.sh (apt-get install chromium chromium-driver)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException(message + " -- CI=true, so this is a failure");
        }
        System.err.println("\n*** SKIPPING WEB UI BROWSER TESTS: " + message + " ***\n");
        Assumptions.abort(message);
    }

    /** A fresh browser (own profile, own download directory) with a window of the given size. */
    static Browser start(String baseUrl, int width, int height, String screenshotPrefix) {
        requireInstalled();
        try {
            Path downloads = Files.createTempDirectory("freight-ui-downloads");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(BROWSERS.stream().filter(Files::isExecutable).findFirst().orElseThrow().toFile());
            options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-dev-shm-usage", "--window-size=" + width + "," + height, "--lang=en-US",
                    "--force-device-scale-factor=1", "--hide-scrollbars");
            Map<String, Object> prefs = new HashMap<>();
            prefs.put("download.default_directory", downloads.toAbsolutePath().toString());
            prefs.put("download.prompt_for_download", false);
            prefs.put("download.directory_upgrade", true);
            prefs.put("safebrowsing.enabled", false);
            // Downloads started by the page itself (the "download when ready" option) must not wait for a prompt.
            prefs.put("profile.default_content_setting_values.automatic_downloads", 1);
            options.setExperimentalOption("prefs", prefs);
            LoggingPreferences logs = new LoggingPreferences();
            logs.enable(LogType.BROWSER, Level.ALL);
            options.setCapability("goog:loggingPrefs", logs);
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
            // Headless windows have a minimum width (~500 px) and lose height to invisible browser chrome: the
            // viewport is set exactly instead, as a phone (touch, mobile viewport rules) below 600 px.
            driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height,
                    "deviceScaleFactor", 1, "mobile", width < 600));
            // Headless Chromium honours download.default_directory only when told so through DevTools as well.
            driver.executeCdpCommand("Browser.setDownloadBehavior", Map.of("behavior", "allow",
                    "downloadPath", downloads.toAbsolutePath().toString(), "eventsEnabled", true));
            Files.createDirectories(SCREENSHOTS);
            return new Browser(driver, downloads, baseUrl, screenshotPrefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void open(String path) {
        driver.get(baseUrl + path);
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> findAll(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    <T> T await(Duration timeout, ExpectedCondition<T> condition) {
        // The page re-renders rows as jobs change: an element read mid-render is stale, and the next poll reads anew.
        return new WebDriverWait(driver, timeout, Duration.ofMillis(50))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(condition);
    }

    <T> T await(ExpectedCondition<T> condition) {
        return await(Duration.ofSeconds(20), condition);
    }

    WebElement awaitVisible(String css) {
        return await(d -> {
            List<WebElement> found = d.findElements(By.cssSelector(css));
            return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
        });
    }

    String page() {
        return driver.findElement(By.tagName("body")).getText();
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Removes the notifications, so that a screenshot shows the page under them. */
    void dismissToasts() {
        js("document.querySelectorAll('.toast').forEach(t => t.remove())");
    }

    /** Saves the visible page as target/ui-screenshots/&lt;prefix&gt;-&lt;name&gt;.png. */
    Path screenshot(String name) {
        try {
            Path file = SCREENSHOTS.resolve(prefix + "-" + name + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The whole page, not just the viewport, as target/ui-screenshots/&lt;prefix&gt;-&lt;name&gt;.png. */
    Path screenshotFullPage(String name) {
        try {
            Number height = (Number) js("return Math.max(document.documentElement.scrollHeight, window.innerHeight)");
            Number width = (Number) js("return window.innerWidth");
            Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png",
                    "captureBeyondViewport", true, "clip", Map.of("x", 0, "y", 0, "width", width, "height",
                            Math.min(height.intValue(), 4000), "scale", 1)));
            Path file = SCREENSHOTS.resolve(prefix + "-" + name + ".png");
            Files.write(file, java.util.Base64.getDecoder().decode((String) shot.get("data")));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The one finished file of the download directory, once Chromium has renamed it from *.crdownload. */
    Path awaitDownload(Duration timeout, String suffix) {
        // Chromium writes into a *.crdownload file and gives it its name once the last byte is in.
        Predicate<Path> finished = p -> p.getFileName().toString().endsWith(suffix);
        return Await.until("a finished *" + suffix + " download in " + downloads, timeout, this::downloaded,
                files -> files.stream().anyMatch(finished)).stream().filter(finished).findFirst().orElseThrow();
    }

    private List<Path> downloaded() throws IOException {
        try (Stream<Path> files = Files.list(downloads)) {
            return files.toList();
        }
    }

    void clearDownloads() {
        try (Stream<Path> files = Files.list(downloads)) {
            for (Path f : files.toList()) Files.deleteIfExists(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Console messages since the last call: CSP violations and uncaught errors show up here. */
    /** The console's script errors and Content-Security-Policy refusals: a page that works has none. */
    List<String> scriptErrors() {
        return consoleErrors().stream()
                .filter(m -> m.contains("Content Security Policy") || m.contains("Uncaught") || m.contains("TypeError")
                        || m.contains("ReferenceError") || m.contains("SyntaxError"))
                .toList();
    }

    List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
                .map(LogEntry::getMessage).toList();
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(downloads)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp directory
            }
        }
    }
}
