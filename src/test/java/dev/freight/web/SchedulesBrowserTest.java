package dev.freight.web;

import dev.freight.cli.FreightNode;
import dev.freight.config.ConfigLoader;
import dev.freight.config.FreightConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The schedules page in a real headless Chromium against a whole node on the demo data: the cron helper shows the
 * next five runs while one types (and the mistake when there is one); a schedule is created, run now, paused,
 * resumed, edited and deleted from the list. No CSP violation or script error.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchedulesBrowserTest {
    @TempDir
    static Path dir;
    FreightNode node;
    String adminKey;
    Browser browser;

    @BeforeAll
    void start() throws IOException {
        Browser.requireInstalled();
        Path file = Files.writeString(dir.resolve("freight.yml"), "data_dir: " + dir.resolve("data") + "\n");
        FreightConfig config = ConfigLoader.load(Optional.of(file), Map.of());
        node = FreightNode.start(config, true, "127.0.0.1", 0);
        browser = Browser.start("http://127.0.0.1:" + node.port(), 1280, 900, "schedules");
        browser.open("/");
        adminKey = node.newAdminKey().orElseThrow();
        WebUiBrowserTest.signInAs(browser, adminKey);
    }

    @AfterAll
    void stop() {
        if (browser != null) browser.close();
        if (node != null) node.close();
    }

    @AfterEach
    void noScriptErrors() {
        assertThat(browser.scriptErrors()).as("browser console").isEmpty();
    }

    WebElement row(String name) {
        return browser.await(d -> {
            List<WebElement> rows = browser.findAll("tr[data-name='" + name + "']");
            return rows.isEmpty() ? null : rows.get(0);
        });
    }

    /** The dialog scrolls: its buttons are brought into view first, as a user scrolls to them. */
    void click(String css) {
        WebElement button = browser.find(css);
        browser.js("arguments[0].scrollIntoView({block: 'center'})", button);
        button.click();
    }

    void type(String css, String text) {
        WebElement input = browser.find(css);
        input.clear();
        input.sendKeys(text);
    }

    java.net.http.HttpResponse<String> api(String method, String path, String body) throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + node.port() + path))
                .header("Authorization", "Bearer " + adminKey).header("Content-Type", "application/json")
                .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofString(body));
        return java.net.http.HttpClient.newHttpClient().send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /** The job the row's Last result links to; null while there is none (for await). */
    String lastJob(String name) {
        List<WebElement> links = row(name).findElements(org.openqa.selenium.By.cssSelector("td.last-result a[href^='#/jobs/']"));
        return links.isEmpty() ? null : links.get(0).getAttribute("href").replaceAll(".*#/jobs/", "");
    }

    @Test
    void theListFollowsTheTicksThatFireWhileItIsOpen() throws Exception {
        var created = api("POST", "/api/v1/export/schedules", """
                {"name": "every-second", "cron": "* * * * * *", "time_zone": "UTC",
                 "request": {"dataset": "orders", "format": "csv", "row_limit": 1}}""");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = created.body().replaceAll("(?s).*?\"id\"\\s*:\\s*\"([^\"]+)\".*", "$1");
        try {
            browser.open("/#/schedules");
            String first = browser.await(Duration.ofSeconds(20), d -> lastJob("every-second"));
            // A mark a reload would wipe out.
            browser.js("window.freightNotReloaded = true");
            String later = browser.await(Duration.ofSeconds(20), d -> {
                String now = lastJob("every-second");
                return now != null && !now.equals(first) ? now : null;
            });
            assertThat(later).isNotEqualTo(first);
            browser.await(Duration.ofSeconds(20), d -> row("every-second")
                    .findElements(org.openqa.selenium.By.cssSelector("td.last-result .badge[data-status='completed']")).isEmpty()
                    ? null : true);
            assertThat(browser.js("return window.freightNotReloaded === true")).isEqualTo(true);
        } finally {
            assertThat(api("DELETE", "/api/v1/export/schedules/" + id, null).statusCode()).isEqualTo(204);
        }
    }

    @Test
    void aScheduleIsWrittenWithTheCronHelperAndManagedFromTheList() {
        browser.open("/#/schedules");
        browser.awaitVisible("#new-schedule").click();
        browser.awaitVisible("dialog#schedule-dialog");
        type("#sc-name", "weekday-orders");
        new Select(browser.find("#sc-dataset")).selectByValue("orders");
        new Select(browser.find("#sc-format")).selectByValue("xlsx");
        type("#sc-cron", "0 9 * * 1-5");
        type("#sc-zone", "America/New_York");
        browser.await(d -> browser.findAll("#sc-next-runs li").size() == 5
                && "ok".equals(browser.find("#sc-next-runs").getAttribute("data-state")) ? true : null);

        // A mistake in the cron shows in the helper at once.
        type("#sc-cron", "0 25 * * *");
        browser.await(d -> "error".equals(browser.find("#sc-next-runs").getAttribute("data-state"))
                && browser.find("#sc-next-runs").getText().contains("cron \"0 25 * * *\" is not valid") ? true : null);
        type("#sc-cron", "0 9 * * 1-5");
        browser.await(d -> "ok".equals(browser.find("#sc-next-runs").getAttribute("data-state")) ? true : null);
        // Each run in the schedule's zone: 09:00 in New York.
        assertThat(browser.find("#sc-next-runs li").getText()).contains("09:00").contains("America/New_York");
        browser.screenshot("new-schedule");
        click("#sc-save");

        WebElement created = row("weekday-orders");
        assertThat(created.getText()).contains("0 9 * * 1-5").contains("America/New_York").contains("orders → xlsx")
                .contains("not run yet");

        row("weekday-orders").findElement(org.openqa.selenium.By.cssSelector("[data-action='run']")).click();
        browser.await(d -> row("weekday-orders").findElements(org.openqa.selenium.By.cssSelector("a[href^='#/jobs/']"))
                .isEmpty() ? null : true);

        row("weekday-orders").findElement(org.openqa.selenium.By.cssSelector("[data-action='pause']")).click();
        browser.await(d -> row("weekday-orders").getText().contains("paused") ? true : null);
        assertThat(row("weekday-orders").findElement(org.openqa.selenium.By.cssSelector(".next-run")).getText()).isEqualTo("—");
        row("weekday-orders").findElement(org.openqa.selenium.By.cssSelector("[data-action='resume']")).click();
        browser.await(d -> row("weekday-orders").getText().contains("paused") ? null : true);

        row("weekday-orders").findElement(org.openqa.selenium.By.cssSelector("[data-action='edit']")).click();
        browser.awaitVisible("dialog#schedule-dialog");
        assertThat(browser.find("#sc-cron").getAttribute("value")).isEqualTo("0 9 * * 1-5");
        type("#sc-cron", "30 6 * * *");
        click("#sc-save");
        browser.await(d -> row("weekday-orders").getText().contains("30 6 * * *") ? true : null);
        // The next run as the schedule's zone reads it, whatever the browser's zone.
        assertThat(row("weekday-orders").findElement(org.openqa.selenium.By.cssSelector(".next-run")).getText())
                .contains("06:30");
        browser.dismissToasts();
        browser.screenshot("schedules-list");

        row("weekday-orders").findElement(org.openqa.selenium.By.cssSelector("[data-action='delete']")).click();
        browser.awaitVisible("#confirm-yes").click();
        browser.await(d -> browser.findAll("tr[data-name='weekday-orders']").isEmpty() ? true : null);
    }
}
