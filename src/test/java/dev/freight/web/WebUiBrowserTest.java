package dev.freight.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import dev.freight.cli.FreightNode;
import dev.freight.config.ConfigLoader;
import dev.freight.config.FreightConfig;
import dev.freight.auth.AdminKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web UI end to end in a real headless Chromium against a whole node (demo data, a slow named query, an
 * analyst role with masks): sign-in, a CSV export with filters whose downloaded file is checked row by row, an
 * XLSX job followed live to its automatic download, API validation errors next to the field, another user's job
 * invisible, cancel/retry/delete, and the main pages again at a phone's 390 px; then, on their own browsers:
 * not-found pages worded for an admin, pages opening at the top and Back returning to the same row, and toasts
 * that stay small on a phone. Every scenario leaves a PNG in target/ui-screenshots/.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebUiBrowserTest {
    static final String UMA = "frt_uma_" + "u".repeat(32);
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    Path dir;
    FreightNode node;
    String adminKey;
    String base;
    Browser browser;
    String csvJob;

    @BeforeAll
    void start() throws IOException {
        Browser.requireInstalled();
        dir = Files.createTempDirectory("freight-ui");
        Path file = dir.resolve("freight.yml");
        // order_lines: many columns, a page taller than a phone's screen before its preview arrives.
        // slow_orders: a cross join, 10^10 rows streaming lazily from H2; row_limit makes it as long as needed.
        Files.writeString(file, """
                data_dir: %s
                datasets:
                  order_lines:
                    source: demo
                    sql: 'SELECT o."id", o."customer_id", o."sku", o."description", o."quantity", o."unit_price", o."discount", o."status", o."created_at", o."shipped", c."name", c."email", c."country", c."created_at" AS "customer_since" FROM "orders" o JOIN "customers" c ON c."id" = o."customer_id"'
                  slow_orders:
                    source: demo
                    sql: 'SELECT a."id", a."status", a."quantity", b."sku" FROM "orders" a CROSS JOIN "orders" b'
                exports:
                  heartbeat: 200ms
                  worker_concurrency: 3
                limits:
                  exports_per_hour: 10000
                  concurrent_jobs: 50
                roles:
                  analyst:
                    datasets:
                      orders:
                        columns_denied: [description]
                        columns_masked: { customer_id: hash }
                      "*": {}
                api_keys:
                  - { name: uma, sha256: "%s", role: analyst }
                delivery_storage:
                  archive: { path: %s }
                """.formatted(dir.resolve("data"), HexFormat.of().formatHex(AdminKey.sha256(UMA)), dir.resolve("archive")));
        FreightConfig config = ConfigLoader.load(Optional.of(file), Map.of());
        node = FreightNode.start(config, true, "127.0.0.1", 0);
        adminKey = node.newAdminKey().orElseThrow();
        base = "http://127.0.0.1:" + node.port();
        browser = Browser.start(base, 1280, 800, "desktop");
    }

    @AfterAll
    void stop() throws IOException {
        if (browser != null) browser.close();
        if (node != null) node.close();
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** No Content-Security-Policy violation and no uncaught script error, ever. */
    @AfterEach
    void noScriptErrors() {
        if (browser == null) return;
        assertThat(browser.scriptErrors()).as("browser console").isEmpty();
    }

    // ---------------------------------------------------------------- scenarios

    @Test
    @Order(1)
    void signIn() {
        browser.open("/");
        browser.awaitVisible("#api-key");
        browser.screenshot("01-sign-in");
        browser.find("#api-key").sendKeys("frt_not_a_key_" + "x".repeat(30));
        browser.find("#sign-in").click();
        browser.await(d -> !browser.find("#signin-error").getText().isBlank());
        assertThat(browser.find("#signin-error").getText()).contains("not valid");
        signInAs(browser, adminKey);
        assertThat(browser.find("#who-name").getText()).isEqualTo("admin");
        assertThat(browser.find("#who-role").getText()).isEqualTo("admin");
        browser.awaitVisible("#jobs-empty");
        browser.screenshot("02-exports-empty");
    }

    @Test
    @Order(2)
    void csvExportWithTwoFiltersAndThreeColumnsIsDownloadedAndMatchesTheApi() throws Exception {
        openNewExport(browser, "orders");
        browser.find("#nx-cols-none").click();
        for (String c : List.of("id", "quantity", "status")) {
            browser.find("#nx-columns li[data-column='" + c + "'] input[type=checkbox]").click();
        }
        // status comes after quantity in the table; three moves up put it before quantity.
        for (int i = 0; i < 3; i++) browser.find("#nx-columns li[data-column='status'] [data-move='up']").click();
        assertThat(browser.find("#nx-col-count").getText()).isEqualTo("3 of 10");
        setFilter(0, "status", "in", "paid, shipped");
        setFilter(1, "quantity", "gte", "5");
        browser.find("#nx-delivery-async").click();
        browser.await(d -> browser.findAll("#nx-estimate-rows").size() == 1 ? true : null);
        assertThat(browser.find("#nx-estimate-rows").getText()).matches("≈ [0-9,]+ rows");
        assertThat(browser.find("#nx-estimate-delivery").getAttribute("data-delivery")).isEqualTo("async");
        browser.screenshot("03-new-export-csv");
        browser.find("#nx-submit").click();
        browser.await(d -> browser.findAll("#nx-dialog").isEmpty());

        csvJob = topJobOtherThan(Set.of());
        // Follow the bar as the page updates it over SSE, without reloading.
        browser.js("window.__sameDocument = true");
        List<Double> seen = new ArrayList<>();
        browser.await(Duration.ofSeconds(60), d -> {
            // Status first, then the bar: the page updates both in one task, so a completed status read first
            // guarantees the bar read after it is the final one.
            boolean completed = "completed".equals(status(csvJob));
            String now = (String) browser.js("const e = document.querySelector(arguments[0]); "
                    + "return e ? e.getAttribute('aria-valuenow') : null;", rowSelector(csvJob) + " .progress");
            if (now != null) seen.add(Double.parseDouble(now));
            return completed ? true : null;
        });
        assertThat(browser.js("return window.__sameDocument === true")).isEqualTo(true);
        assertThat(seen).last().isEqualTo(100.0);
        assertThat(rowText(csvJob, ".pct")).isEqualTo("100%");
        assertThat(seen).isSorted();
        browser.screenshotFullPage("04-csv-completed");

        browser.clearDownloads();
        clickInRow(csvJob, "[data-action='download']");
        Path file = browser.awaitDownload(Duration.ofSeconds(20), ".csv");
        assertThat(file.getFileName().toString()).startsWith("orders-").endsWith("-" + csvJob + ".csv");
        List<List<String>> downloaded = csv(Files.readString(file, StandardCharsets.UTF_8));

        String body = """
                {"dataset": "orders", "format": "csv", "columns": ["id", "status", "quantity"], "delivery": "sync",
                 "filters": [{"column": "status", "op": "in", "value": ["paid", "shipped"]},
                             {"column": "quantity", "op": "gte", "value": "5"}]}""";
        HttpResponse<byte[]> viaApi = call("POST", "/api/v1/export/jobs", adminKey, body);
        assertThat(viaApi.statusCode()).as(new String(viaApi.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        List<List<String>> expected = csv(new String(viaApi.body(), StandardCharsets.UTF_8));

        assertThat(downloaded.get(0)).containsExactly("id", "status", "quantity");
        assertThat(downloaded.size()).isGreaterThan(1000);
        for (List<String> r : downloaded.subList(1, downloaded.size())) {
            assertThat(r.get(1)).isIn("paid", "shipped");
            assertThat(Integer.parseInt(r.get(2))).isGreaterThanOrEqualTo(5);
        }
        assertThat(sortedById(downloaded)).isEqualTo(sortedById(expected));
        JsonNode job = json(call("GET", "/api/v1/export/jobs/" + csvJob, adminKey, null));
        assertThat(job.get("row_count").asLong()).isEqualTo(downloaded.size() - 1);
    }

    @Test
    @Order(3)
    void xlsxJobIsShownRunningThenCompletedAndDownloadsByItself() {
        browser.clearDownloads();
        openNewExport(browser, "slow_orders");
        new Select(browser.find("#nx-format")).selectByValue("xlsx");
        browser.awaitVisible("#nx-opt-sheet_name").sendKeys("Big orders");
        browser.find("#nx-row-limit").sendKeys("600000");
        browser.find("#nx-delivery-async").click();
        browser.find("#nx-auto-download").click();
        browser.js("window.__sameDocument = true");
        browser.find("#nx-submit").click();
        browser.await(d -> browser.findAll("#nx-dialog").isEmpty());
        String id = topJobOtherThan(Set.of());
        browser.await(Duration.ofSeconds(30), d -> "running".equals(status(id)) ? true : null);
        browser.await(d -> !rowText(id, ".rows").startsWith("0 "));
        browser.dismissToasts();
        browser.screenshot("05-xlsx-running");
        browser.await(Duration.ofSeconds(90), d -> "completed".equals(status(id)) ? true : null);
        assertThat(browser.js("return window.__sameDocument === true")).as("no reload").isEqualTo(true);
        browser.await(d -> browser.findAll(".toast-ok").stream().anyMatch(t -> t.getText().contains("Export ready")
                && t.getText().contains("slow_orders · XLSX")) ? true : null);
        Path file = browser.awaitDownload(Duration.ofSeconds(30), ".xlsx");
        browser.screenshot("06-xlsx-completed");
        JsonNode job = json(call("GET", "/api/v1/export/jobs/" + id, adminKey, null));
        assertThat(job.get("row_count").asLong()).isEqualTo(600_000);
        assertThat(job.get("options").get("sheet_name").asText()).isEqualTo("Big orders");
        try (ZipFile zip = new ZipFile(file.toFile())) {
            assertThat(Files.size(file)).isEqualTo(job.get("file_size_bytes").asLong());
            assertThat(zip.getEntry("xl/workbook.xml")).isNotNull();
        } catch (IOException e) {
            throw new AssertionError("the downloaded workbook is not a zip: " + e.getMessage(), e);
        }
    }

    @Test
    @Order(4)
    void badFilterValueShowsTheApiMessageNextToTheField() {
        int jobsBefore = json(call("GET", "/api/v1/export/jobs?limit=100", adminKey, null)).get("jobs").size();
        openNewExport(browser, "orders");
        setFilter(0, "status", "eq", "paid");
        setFilter(1, "quantity", "gt", "lots");
        String selector = ".filter-row[data-index='1'] .field-error";
        browser.await(d -> browser.find(selector).getText().isBlank() ? null : true);
        JsonNode problem = json(call("POST", "/api/v1/export/jobs", adminKey, """
                {"dataset": "orders", "format": "csv", "filters": [{"column": "status", "op": "eq", "value": "paid"},
                 {"column": "quantity", "op": "gt", "value": "lots"}]}"""));
        assertThat(problem.get("field").asText()).isEqualTo("filters[1].value");
        assertThat(browser.find(selector).getText()).isEqualTo(problem.get("detail").asText());
        assertThat(browser.find(".filter-row[data-index='0'] .field-error").getText()).isEmpty();
        // Submitting anyway: the same message at the same place, and no job.
        browser.find("#nx-submit").click();
        browser.await(d -> browser.findAll("#nx-form[data-last-submit='refused']").isEmpty() ? null : true);
        assertThat(browser.find(selector).getText()).isEqualTo(problem.get("detail").asText());
        assertThat(browser.find(".filter-row[data-index='1'] input.f-value").getAttribute("aria-invalid")).isEqualTo("true");
        browser.screenshot("07-bad-filter-value");
        assertThat(json(call("GET", "/api/v1/export/jobs?limit=100", adminKey, null)).get("jobs").size()).isEqualTo(jobsBefore);
        browser.find("#nx-cancel").click();
        browser.await(d -> browser.findAll("#nx-dialog").isEmpty());
    }

    @Test
    @Order(5)
    void jobDetailsShowParametersTimingsAndAuditTrail() {
        browser.open("/#/jobs/" + csvJob);
        browser.awaitVisible("#job-body");
        browser.await(d -> browser.findAll("table.audit tbody tr").size() >= 3 ? true : null);
        String text = browser.find("#job-body").getText();
        assertThat(text).contains("orders", "CSV", "id, status, quantity", "status in", "paid, shipped", "quantity gte", "Attempts");
        List<String> actions = browser.findAll("table.audit tbody tr").stream().map(r -> r.getAttribute("data-action")).toList();
        assertThat(actions).contains("export_created", "export_completed", "export_downloaded");
        browser.dismissToasts();
        browser.screenshotFullPage("08-job-details");
    }

    @Test
    @Order(5)
    void jobDetailsShowTheConditionAndTheDeliveryLog() {
        HttpResponse<byte[]> created = call("POST", "/api/v1/export/jobs", adminKey, "{\"dataset\": \"orders\", "
                + "\"row_limit\": 10, \"condition\": \"rows > 0\", \"deliveries\": [{\"type\": \"storage\", "
                + "\"target\": \"archive\"}]}");
        assertThat(created.statusCode()).isEqualTo(202);
        String id = json(created).get("id").asText();
        browser.await(d -> json(call("GET", "/api/v1/export/jobs/" + id, adminKey, null)).at("/deliveries/0/status")
                .asText().equals("delivered") ? true : null);
        browser.open("/#/jobs/" + id);
        browser.awaitVisible("#job-deliveries");
        String text = browser.find("#job-deliveries").getText();
        assertThat(text).contains("rows > 0", "met", "export.completed", "storage", "archive:{dataset}/{yyyy}/{MM}/{dd}/{job}.{ext}");
        assertThat(browser.findAll("#job-deliveries tr[data-status='delivered']")).hasSize(1);
        browser.dismissToasts();
        // The later scenarios count on the list as the others left it.
        assertThat(call("DELETE", "/api/v1/export/jobs/" + id, adminKey, null).statusCode()).isEqualTo(204);
    }

    @Test
    @Order(6)
    void datasetBrowserShowsColumnsAndPreview() {
        browser.open("/#/datasets/orders");
        browser.await(d -> browser.findAll("table.preview tbody tr").size() == 50 ? true : null);
        assertThat(browser.findAll("#dataset-columns tbody tr")).hasSize(10);
        assertThat(browser.findAll("#dataset-columns .chip-masked")).isEmpty();
        browser.dismissToasts();
        browser.screenshotFullPage("09-datasets");
    }

    @Test
    @Order(7)
    void cancelRetryAndDeleteARunningJob() {
        openNewExport(browser, "slow_orders");
        browser.find("#nx-row-limit").sendKeys("50000000");
        browser.find("#nx-delivery-async").click();
        browser.find("#nx-submit").click();
        browser.await(d -> browser.findAll("#nx-dialog").isEmpty());
        String id = topJobOtherThan(Set.of());
        browser.await(Duration.ofSeconds(30), d -> "running".equals(status(id))
                && !rowText(id, ".rows").startsWith("0 ") ? true : null);
        clickInRow(id, "[data-action='cancel']");
        browser.await(Duration.ofSeconds(10), d -> "cancelled".equals(status(id)) ? true : null);
        assertThat(json(call("GET", "/api/v1/export/jobs/" + id, adminKey, null)).get("status").asText()).isEqualTo("cancelled");
        browser.dismissToasts();
        browser.screenshot("10-cancelled");

        clickInRow(id, "[data-action='retry']");
        String retried = topJobOtherThan(Set.of(id));
        browser.await(Duration.ofSeconds(30), d -> "running".equals(status(retried)) ? true : null);
        clickInRow(retried, "[data-action='cancel']");
        browser.await(Duration.ofSeconds(10), d -> "cancelled".equals(status(retried)) ? true : null);

        clickInRow(retried, "[data-action='delete']");
        browser.awaitVisible("#confirm-dialog");
        browser.screenshot("11-confirm-delete");
        browser.find("#confirm-yes").click();
        browser.await(d -> browser.findAll(rowSelector(retried)).isEmpty());
        assertThat(call("GET", "/api/v1/export/jobs/" + retried, adminKey, null).statusCode()).isIn(404, 410);
    }

    @Test
    @Order(8)
    void syncExportSavesTheResponseAndSignedLinksAndStatusFilterWork() throws Exception {
        browser.clearDownloads();
        openNewExport(browser, "customers");
        browser.find("#nx-row-limit").sendKeys("25");
        new Select(browser.find("#nx-format")).selectByValue("tsv");
        browser.find("#nx-delivery-sync").click();
        browser.await(d -> browser.findAll("#nx-estimate-delivery[data-delivery='sync']").isEmpty() ? null : true);
        int jobsBefore = json(call("GET", "/api/v1/export/jobs?limit=100", adminKey, null)).get("jobs").size();
        browser.find("#nx-submit").click();
        Path file = browser.awaitDownload(Duration.ofSeconds(20), ".tsv");
        browser.await(d -> browser.findAll("#nx-dialog").isEmpty());
        assertThat(file.getFileName().toString()).startsWith("customers-");
        HttpResponse<byte[]> viaApi = call("POST", "/api/v1/export/jobs", adminKey,
                "{\"dataset\": \"customers\", \"format\": \"tsv\", \"row_limit\": 25, \"delivery\": \"sync\"}");
        assertThat(Files.readAllBytes(file)).isEqualTo(viaApi.body());
        assertThat(json(call("GET", "/api/v1/export/jobs?limit=100", adminKey, null)).get("jobs").size())
                .as("a sync export makes no job").isEqualTo(jobsBefore);

        clickInRow(csvJob, "[data-action='link']");
        String url = browser.awaitVisible("#shown-text").getAttribute("value");
        assertThat(url).startsWith(base + "/api/v1/export/jobs/" + csvJob + "/download?token=");
        HttpResponse<byte[]> linked = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(linked.statusCode()).isEqualTo(200);
        assertThat(csv(new String(linked.body(), StandardCharsets.UTF_8)).get(0)).containsExactly("id", "status", "quantity");
        browser.dismissToasts();
        browser.screenshot("12-signed-link");
        browser.find("#text-dialog button[type=submit]").click();

        // More jobs than one page (25): scrolling to the end of the list loads the next page by its cursor.
        for (int i = 0; i < 26; i++) {
            HttpResponse<byte[]> r = call("POST", "/api/v1/export/jobs", adminKey,
                    "{\"dataset\": \"customers\", \"format\": \"json\", \"row_limit\": 1, \"delivery\": \"async\"}");
            assertThat(r.statusCode()).isEqualTo(202);
        }
        int total = json(call("GET", "/api/v1/export/jobs?limit=500", adminKey, null)).get("jobs").size();
        browser.find("#refresh").click();
        browser.await(d -> browser.findAll("#job-rows tr").size() == 25 ? true : null);
        browser.js("document.querySelector('#load-more').scrollIntoView()");
        browser.await(d -> browser.findAll("#job-rows tr").size() == total ? true : null);
        assertThat(browser.find("#load-more").isDisplayed()).isFalse();

        new Select(browser.find("#status-filter")).selectByValue("cancelled");
        browser.await(d -> browser.findAll("#job-rows tr").stream()
                .allMatch(r -> "cancelled".equals(r.getAttribute("data-status"))) && !browser.findAll("#job-rows tr").isEmpty()
                ? true : null);
        new Select(browser.find("#status-filter")).selectByValue("");
        browser.await(d -> browser.findAll("#job-rows tr").size() == 25 ? true : null);
    }

    @Test
    @Order(9)
    void aUserSeesNeitherAnAdminsJobNorHiddenColumns() {
        browser.find("#sign-out").click();
        browser.awaitVisible("#api-key");
        signInAs(browser, UMA);
        assertThat(browser.find("#who-name").getText()).isEqualTo("uma");
        browser.awaitVisible("#jobs-empty");
        assertThat(browser.findAll("#job-rows tr")).isEmpty();
        browser.dismissToasts();
        browser.screenshot("13-user-exports");

        browser.open("/#/jobs/" + csvJob);
        browser.awaitVisible("#job-missing");
        assertThat(browser.find("#job-missing").getText()).contains("Export not found").contains("belongs to another user");
        assertThat(browser.page()).doesNotContain("paid, shipped");
        browser.dismissToasts();
        browser.screenshot("14-user-admin-job-hidden");

        browser.open("/#/datasets/orders");
        browser.await(d -> browser.findAll("table.preview tbody tr").size() == 50 ? true : null);
        assertThat(browser.findAll("#dataset-columns tr[data-column='description']")).isEmpty();
        assertThat(browser.find("#dataset-columns tr[data-column='customer_id'] .chip-masked").getText()).isEqualTo("masked: hash");
        browser.dismissToasts();
        browser.screenshotFullPage("15-user-dataset-masked");
    }

    @Test
    @Order(10)
    void mainPagesAtA390PixelWidth() {
        try (Browser phone = Browser.start(base, 390, 844, "phone")) {
            phone.open("/");
            phone.awaitVisible("#api-key");
            phone.screenshot("01-sign-in");
            signInAs(phone, adminKey);
            phone.await(d -> phone.findAll("#job-rows tr").size() >= 3 ? true : null);
            assertNoHorizontalScroll(phone);
            phone.screenshotFullPage("02-exports");

            phone.open("/#/jobs/" + csvJob);
            phone.await(d -> phone.findAll("table.audit tbody tr").size() >= 3 ? true : null);
            assertNoHorizontalScroll(phone);
            phone.screenshotFullPage("03-job-details");

            phone.open("/#/datasets/orders");
            phone.await(d -> phone.findAll("table.preview tbody tr").size() == 50 ? true : null);
            assertNoHorizontalScroll(phone);
            phone.screenshotFullPage("04-datasets");

            phone.open("/#/exports");
            openNewExport(phone, "orders");
            phone.find("#nx-add-filter").click();
            assertNoHorizontalScroll(phone);
            phone.screenshot("05-new-export");
            phone.js("document.querySelector('#nx-filters').scrollIntoView()");
            phone.screenshot("06-new-export-filters");
            phone.find("#nx-cancel").click();
        }
    }

    @Test
    @Order(11)
    void anAdminIsToldThatAMissingExportDoesNotExistNotThatItMayBeSomeoneElses() {
        try (Browser admin = Browser.start(base, 1280, 800, "admin")) {
            admin.open("/");
            signInAs(admin, adminKey);
            admin.open("/#/jobs/" + "c".repeat(26));
            String text = admin.awaitVisible("#job-missing").getText();
            assertThat(text).contains("Export not found", "No export with this id exists: the id is wrong, or the export "
                    + "was deleted and its record purged.").doesNotContain("other user").doesNotContain("for you");
            admin.screenshot("01-missing-export");
        }
    }

    @Test
    @Order(12)
    void anAdminIsToldThatAMissingDatasetDoesNotExistNotThatTheirRoleMayNotSeeIt() {
        try (Browser admin = Browser.start(base, 1280, 800, "admin")) {
            admin.open("/");
            signInAs(admin, adminKey);
            admin.open("/#/datasets/no_such_table");
            assertThat(admin.awaitVisible("#dataset-missing").getText()).contains("Dataset not found",
                    "“no_such_table” does not exist.").doesNotContain("role");
            admin.screenshot("02-missing-dataset");
        }
    }

    @Test
    @Order(13)
    void aPageOpenedFromTheMenuStartsAtTheTopNotWhereTheListWasScrolledTo() {
        try (Browser phone = Browser.start(base, 390, 844, "phone")) {
            phone.open("/");
            signInAs(phone, adminKey);
            // Datasets seen once are kept, and then the page appears at once, without a moment of "Loading…";
            // the first one, order_lines, has 14 columns: its page is taller than the screen straight away.
            phone.find("a[data-nav='datasets']").click();
            phone.await(d -> phone.findAll("table.preview tbody tr").size() == 50 ? true : null);
            assertThat(phone.find(".dataset-detail h2").getText()).isEqualTo("order_lines");
            phone.find("a[data-nav='exports']").click();
            phone.await(d -> phone.findAll("#job-rows tr").size() >= 25 ? true : null);
            phone.js("window.scrollTo(0, 3000)");
            assertThat(scrollY(phone)).as("scrolled down the list").isEqualTo(3000);
            phone.find("a[data-nav='datasets']").click();
            phone.await(d -> phone.findAll("table.preview tbody tr").size() == 50 ? true : null);
            assertThat(scrollY(phone)).as("the datasets page opens at its top").isZero();
            phone.screenshot("07-datasets-opened-from-a-scrolled-list");
        }
    }

    @Test
    @Order(14)
    void backFromAnExportsDetailsReturnsToItsRowInTheList() {
        try (Browser phone = Browser.start(base, 390, 844, "phone")) {
            phone.open("/");
            signInAs(phone, adminKey);
            // The CSV export is older than the first page of 25: scrolling to the end loads the next page, as for a user.
            phone.await(d -> {
                if (!phone.findAll(rowSelector(csvJob)).isEmpty()) return true;
                phone.js("window.scrollTo(0, document.documentElement.scrollHeight)");
                return null;
            });
            assertThat(phone.js("return document.documentElement.scrollWidth <= window.innerWidth"))
                    .as("the page fits the phone's width (the bar's links scroll inside it)").isEqualTo(true);
            phone.js("document.querySelector(arguments[0]).scrollIntoView({block: 'center'})", rowSelector(csvJob));
            long inList = scrollY(phone);
            assertThat(inList).as("scrolled down the list").isGreaterThan(2000);

            phone.find(rowSelector(csvJob) + " a.job-link").click();
            phone.await(d -> phone.findAll("table.audit tbody tr").size() >= 3 ? true : null);
            assertThat(scrollY(phone)).as("the details page opens at its top").isZero();

            phone.driver.navigate().back();
            phone.await(d -> scrollY(phone) == inList ? true : null);
            Number rowTop = (Number) phone.js("return document.querySelector(arguments[0]).getBoundingClientRect().top",
                    rowSelector(csvJob));
            assertThat(rowTop.doubleValue()).as("the row followed, back in view").isBetween(0.0, 844.0);
            phone.screenshot("08-back-in-the-list");
        }
    }

    @Test
    @Order(15)
    void onAPhoneOnlyTheNewestToastShowsAndTheOthersAreCounted() {
        try (Browser phone = Browser.start(base, 390, 844, "phone")) {
            phone.open("/");
            signInAs(phone, adminKey);
            phone.await(d -> phone.findAll("#job-rows tr").size() >= 3 ? true : null);
            phone.dismissToasts();
            // Five exports finishing together, announced as the page announces them.
            phone.js("return import('/ui/js/ui.js').then(ui => { for (let i = 1; i <= 5; i++) ui.toast({ "
                    + "title: 'Export ready', text: `orders · CSV — orders-20250101-12000${i}-export${i}.csv`, kind: 'ok', "
                    + "timeout: 60000, actions: [{ label: 'Download', href: `#/d${i}` }, { label: 'Details', href: `#/jobs/x${i}` }] "
                    + "}); return true; })");
            List<WebElement> shown = phone.findAll("#toasts .toast").stream().filter(WebElement::isDisplayed).toList();
            assertThat(shown).singleElement().extracting(WebElement::getText).asString().contains("export5.csv");
            assertThat(phone.find("#toasts .toast-more").getText()).isEqualTo("+4 more");
            Number area = (Number) phone.js("return document.querySelector('#toasts').getBoundingClientRect().height");
            assertThat(area.doubleValue()).as("height of the notifications, px of 844").isLessThanOrEqualTo(844 / 8.0);
            Number lines = (Number) phone.js("const t = document.querySelector('#toasts .toast:not([hidden]) .toast-lines'); "
                    + "return t.getBoundingClientRect().height / parseFloat(getComputedStyle(t).lineHeight)");
            assertThat(lines.doubleValue()).as("lines of text").isLessThanOrEqualTo(2.05);
            phone.screenshot("09-toasts");

            phone.find("#toasts .toast-more").click();
            assertThat(phone.findAll("#toasts .toast").stream().filter(WebElement::isDisplayed)).hasSize(5);
            assertThat(phone.find("#toasts .toast-more").getText()).isEqualTo("Show fewer");
            phone.screenshot("10-toasts-expanded");
        }
    }

    @Test
    @Order(16)
    void theSameNoticeAgainIsCountedOnItsToastInsteadOfStackingAnother() {
        try (Browser desk = Browser.start(base, 1280, 800, "desktop-toasts")) {
            desk.open("/");
            signInAs(desk, adminKey);
            desk.await(d -> desk.findAll("#job-rows tr").size() >= 3 ? true : null);
            desk.dismissToasts();
            desk.js("return import('/ui/js/ui.js').then(ui => { for (let i = 0; i < 3; i++) ui.toast({ "
                    + "title: 'Cannot load exports', text: 'Failed to fetch', kind: 'error' }); return true; })");
            assertThat(desk.findAll("#toasts .toast")).singleElement().extracting(WebElement::getText).asString()
                    .contains("Cannot load exports", "×3", "Failed to fetch");
            assertThat(desk.find("#toasts .toast-more").isDisplayed()).isFalse();
            desk.screenshot("01-toast-counted");
        }
    }

    // ---------------------------------------------------------------- helpers

    static long scrollY(Browser b) {
        return ((Number) b.js("return Math.round(window.scrollY)")).longValue();
    }

    static void signInAs(Browser b, String key) {
        b.awaitVisible("#api-key").sendKeys(key);
        b.find("#sign-in").click();
        b.awaitVisible("#topbar");
        b.await(d -> b.findAll("#job-rows").isEmpty() ? null : true);
    }

    static void openNewExport(Browser b, String dataset) {
        if (b.findAll("button#new-export").isEmpty()) b.open("/#/exports");
        b.awaitVisible("button#new-export").click();
        b.awaitVisible("dialog#nx-dialog");
        new Select(b.find("#nx-dataset")).selectByValue(dataset);
        b.await(d -> b.findAll("#nx-columns li[data-column]").isEmpty() ? null : true);
    }

    void setFilter(int index, String column, String op, String value) {
        if (browser.findAll(".filter-row[data-index='" + index + "']").isEmpty()) browser.find("#nx-add-filter").click();
        String row = ".filter-row[data-index='" + index + "']";
        new Select(browser.find(row + " select.f-column")).selectByValue(column);
        new Select(browser.find(row + " select.f-op")).selectByValue(op);
        WebElement input = browser.find(row + " input.f-value");
        input.clear();
        input.sendKeys(value);
    }

    static void assertNoHorizontalScroll(Browser b) {
        Object overflow = b.js("return document.documentElement.scrollWidth - window.innerWidth");
        assertThat(((Number) overflow).intValue()).as("page wider than the screen").isLessThanOrEqualTo(0);
    }

    /** Read in one script: rows are replaced on every progress event, so element references go stale. */
    String status(String id) {
        return (String) browser.js("const r = document.querySelector(arguments[0]); return r ? r.dataset.status : null;",
                rowSelector(id));
    }

    String rowText(String id, String css) {
        return (String) browser.js("const e = document.querySelector(arguments[0]); return e ? e.textContent : '';",
                rowSelector(id) + " " + css);
    }

    void clickInRow(String id, String css) {
        browser.await(d -> {
            try {
                browser.find(rowSelector(id) + " " + css).click();
                return true;
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                return null;
            } catch (org.openqa.selenium.ElementClickInterceptedException e) {
                browser.js("document.querySelectorAll('.toast').forEach(t => t.remove())");
                return null;
            }
        });
    }

    String topJobOtherThan(Set<String> ids) {
        return browser.await(d -> {
            String id = (String) browser.js("const r = document.querySelector('#job-rows tr'); return r ? r.dataset.jobId : null;");
            return id == null || ids.contains(id) || id.equals(csvJob) ? null : id;
        });
    }

    static String rowSelector(String id) {
        return "#job-rows tr[data-job-id='" + id + "']";
    }

    static WebElement first(List<WebElement> list) {
        return list.isEmpty() ? null : list.get(0);
    }

    static List<List<String>> csv(String text) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        try (CsvReader<CsvRecord> reader = CsvReader.builder().ofCsvRecord(new StringReader(text))) {
            for (CsvRecord r : reader) rows.add(r.getFields());
        }
        return rows;
    }

    static List<List<String>> sortedById(List<List<String>> rows) {
        List<List<String>> body = new ArrayList<>(rows.subList(1, rows.size()));
        body.sort(Comparator.comparingLong(r -> Long.parseLong(r.get(0))));
        return body;
    }

    HttpResponse<byte[]> call(String method, String path, String key, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + key)
                .timeout(Duration.ofSeconds(60));
        if (body != null) b.header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(HttpResponse<byte[]> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + new String(r.body(), StandardCharsets.UTF_8), e);
        }
    }

    static Set<String> ids(JsonNode jobs) {
        Set<String> out = new TreeSet<>();
        jobs.forEach(j -> out.add(j.get("id").asText()));
        return out;
    }
}
