package com.gds.alerting.service.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.runtime.server.EmbeddedServer;

import com.gds.alerting.avro.AnomalyAlgorithm;
import com.gds.alerting.avro.AnomalySeasonality;
import com.gds.alerting.avro.AnomalySpec;
import com.gds.alerting.avro.Comparison;
import com.gds.alerting.avro.Condition;
import com.gds.alerting.avro.ForecastSpec;
import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.MetricMetadata;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.RuleKind;
import com.gds.alerting.avro.Selector;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.SliKind;
import com.gds.alerting.avro.SloSpec;
import com.gds.alerting.avro.serde.AvroClassTrust;
import com.gds.alerting.avro.serde.AvroSerdes;
import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.contract.GdsTopics;
import com.gds.alerting.contract.TopicLayout;
import com.gds.alerting.service.TestServices;
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;
import com.gds.alerting.service.dispatch.FakeNotificationService;

/**
 * The web console in a real headless Chromium against the real service (authentication on, the
 * notification dispatcher posting to a fake gds_notification) on the in-process broker: what someone
 * on call does, click by click, checked in the page and through the REST API. The methods run in
 * order, in one browser tab, as one session would.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleIT {

    private static final String SCOPE = "console-" + UUID.randomUUID();
    private static final GdsTopics TOPICS = GdsTopics.defaults();
    private static final String METRICS = TOPICS.metricsTopic("postgresql", "prod");
    private static final String READ = "read-" + UUID.randomUUID();
    private static final String WRITE = "write-" + UUID.randomUUID();
    private static final String INSTANCE = "pg-prod-1";
    private static final String KEY = "replication-lag:" + INSTANCE + ":replication_lag_seconds";
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    /** {@code -Dconsole.docs-screenshots=true} also refreshes the README's screenshots (not a {@code gds.} key: the service refuses settings it does not read). */
    private static final Path DOCS_SCREENSHOTS = Path.of("..", "docs", "screenshots");

    private static EmbeddedKafkaBroker broker;
    private static FakeNotificationService notifications;
    private static ApplicationContext service;
    private static HttpClient rest;
    private static KafkaProducer<String, byte[]> producer;
    private static ChromeDriver browser;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        AvroClassTrust.install();
        broker = EmbeddedKafkaBroker.startTemporary();
        notifications = new FakeNotificationService(0);
        TopicLayout.create(broker.bootstrapServers(), TOPICS, List.of(METRICS), 2);
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()), new StringSerializer(),
                new ByteArraySerializer());
        publishRules();

        Map<String, Object> props = TestServices.properties(broker.bootstrapServers(), InMemorySchemaRegistry.SCHEME + SCOPE,
                "console");
        props.put("gds.auth.tokens.reader.token", READ);
        props.put("gds.auth.tokens.reader.rights", List.of("read"));
        props.put("gds.auth.tokens.oncall.token", WRITE);
        props.put("gds.auth.tokens.oncall.rights", List.of("read", "write"));
        props.put("gds.dispatcher.base-url", notifications.url());
        props.put("gds.dispatcher.auto-offset-reset", "earliest");
        service = TestServices.start(props);
        base = service.getBean(EmbeddedServer.class).getURL().toString();
        rest = HttpClient.create(service.getBean(EmbeddedServer.class).getURL());
        for (String rule : List.of("replication-lag", "connections-saturated", "availability", "connections-anomaly", "disk-forecast")) {
            awaitRest("the rule table holds " + rule, () -> get("/api/v1/rules/" + rule, Argument.mapOf(String.class, Object.class)),
                    r -> rule.equals(r.get("rule_id")));
        }
        seedFleet();
        browser = HeadlessChromium.start(Files.createTempDirectory(Files.createDirectories(Path.of("target")), "chromium-profile"));
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        try {
            TestServices.closeAll(rest, service, producer, notifications, broker);
        } finally {
            InMemorySchemaRegistry.dropScope(SCOPE);
        }
    }

    @Test
    @Order(1)
    void aBadTokenShowsAClearMessageAndAGoodOneOpensTheConsole() {
        browser.get(base);
        waitFor("the page asks for a token", d -> text("#auth-message").contains("needs an API token"));
        enterToken("not-a-token");
        waitFor("a bad token is refused clearly", d -> text("#auth-message").contains("not accepted"));
        assertTrue(find("#auth").isDisplayed(), "the token form stays open");

        enterToken(WRITE);
        waitFor("the good token is accepted", d -> text("#whoami").startsWith("oncall"));
        assertTrue(!find("#auth").isDisplayed(), "the token form closes");
        waitFor("the fleet's alerts are listed", d -> rows().size() >= 5);
    }

    @Test
    @Order(2)
    void anAlertThatFiresAppearsWithoutAReload() {
        js("window.__sameDocument = 'yes';");
        assertTrue(browser.findElements(rowSelector(KEY)).isEmpty(), "not there before it fires");
        waitFor("the console reads the event stream", d -> "push".equals(js("return window.gdsConsole.live.mode;")));
        waitFor("the live label says changes are pushed", d -> text("#live").startsWith("live (pushed)"));
        long pushedBefore = ((Number) js("return window.gdsConsole.live.pushRefreshes;")).longValue();
        Instant now = Instant.now();
        for (int minute = 30; minute >= 0; minute--) {
            double lag = 5 + (30 - minute) * 3.0; // 5 s rising to 95 s: crosses 30 s (warning) 22 minutes ago
            sendMetric(INSTANCE, "replication_lag_seconds", lag, now.minus(Duration.ofMinutes(minute)));
        }
        waitFor("the new alert appears in the list", d -> !d.findElements(rowSelector(KEY)).isEmpty()
                && d.findElement(rowSelector(KEY)).getAttribute("data-state").equals("FIRING"));
        assertEquals("yes", js("return window.__sameDocument;"), "the page was not reloaded");
        waitFor("the transition was pushed to the page and refreshed it",
                d -> ((Number) js("return window.gdsConsole.live.pushRefreshes;")).longValue() > pushedBefore);
        WebElement row = browser.findElement(rowSelector(KEY));
        assertTrue(row.getText().contains("warning") && row.getText().contains("firing") && row.getText().contains(INSTANCE),
                row.getText());
        awaitRest("the firing reached gds_notification", () -> notifications.delivered(),
                d -> d.stream().anyMatch(r -> r.body().contains("\"db_instance_id\":\"" + INSTANCE + "\"")));
        waitFor("the highlight of the new row has faded", d -> !row.getAttribute("class").contains("fresh"));
        screenshot("console-alerts.png");
    }

    @Test
    @Order(3)
    void theKeyboardFindsAndOpensAnAlert() {
        new Actions(browser).sendKeys("/").perform();
        assertEquals("alert-search", browser.switchTo().activeElement().getAttribute("id"), "/ moves to the search box");
        browser.switchTo().activeElement().sendKeys(INSTANCE);
        waitFor("the search filters the list and lands in the URL", d -> rows().size() == 1
                && d.getCurrentUrl().contains("q=" + INSTANCE));
        new Actions(browser).sendKeys(Keys.ESCAPE).sendKeys("j").perform();
        assertEquals(KEY, browser.switchTo().activeElement().findElement(By.xpath("ancestor::tr")).getAttribute("data-key"),
                "j selects the first alert");
        new Actions(browser).sendKeys(Keys.ENTER).perform();
        waitFor("Enter opens the alert", d -> text("#alert-title").equals("replication-lag · " + INSTANCE));
    }

    @Test
    @Order(4)
    void theDetailPageShowsValuesTransitionsRuleAndRunbook() {
        waitFor("the value history is drawn", d -> !d.findElements(By.cssSelector("#value-chart svg.spark path.line")).isEmpty());
        String chart = find("#value-chart").getText();
        assertTrue(chart.contains("threshold 30"), chart);
        assertTrue(chart.contains("max 95"), "the newest sample is in the history: " + chart);
        waitFor("the firing is in the transitions", d -> text("#transitions").contains("fired"));
        assertEquals("https://runbooks.example.com/gds/replication-lag", find("#runbook-link").getAttribute("href"));
        assertTrue(text("#alert-facts").contains("replication-lag"), "the rule is named");
    }

    @Test
    @Order(5)
    void acknowledgeChangesTheStateInThePageAndThroughTheRestApi() {
        assertEquals("oncall", find("#ack-by").getAttribute("value"), "who acknowledges: the token's name");
        find("#ack-comment").sendKeys("looking at the replica");
        find("#ack-button").click();
        waitFor("the page shows it acknowledged", d -> text("#alert-state").equals("acknowledged"));
        Map<String, Object> alert = get("/api/v1/alerts/" + KEY, Argument.mapOf(String.class, Object.class));
        assertEquals("ACKNOWLEDGED", alert.get("state"));
        assertEquals("oncall", alert.get("acknowledged_by"));
        assertEquals("looking at the replica", alert.get("ack_comment"));
        waitFor("the ack is in the transitions", d -> text("#transitions").contains("acknowledged: looking at the replica")
                || text("#transitions").contains("oncall: looking at the replica"));
        assertTrue(find("#ack-button").getAttribute("disabled") != null, "nothing left to acknowledge");
        screenshot("console-alert-detail.png");
    }

    @Test
    @Order(6)
    void aSilenceCreatedFromTheAlertIsPrefilledListedAndSuppressesTheNextNotification() {
        find("#silence-link").click();
        waitFor("the form is pre-filled from the alert", d -> d.findElements(By.cssSelector("#silence-matchers .matcher-row")).size() == 3);
        List<String> matchers = browser.findElements(By.cssSelector("#silence-matchers .matcher-row")).stream()
                .map(r -> r.findElement(By.cssSelector(".m-label")).getAttribute("value") + " "
                        + r.findElement(By.cssSelector(".m-op")).getAttribute("value") + " "
                        + r.findElement(By.cssSelector(".m-value")).getAttribute("value")).toList();
        assertEquals(List.of("rule_id = replication-lag", "instance_id = " + INSTANCE, "metric_name = replication_lag_seconds"), matchers,
                "exactly this alert");
        assertEquals("120", new Select(find("#silence-duration")).getFirstSelectedOption().getAttribute("value"), "2 hours");
        waitFor("the preview counts the alerts it silences", d -> text("#silence-preview").startsWith("Matches 1 "));
        find("#silence-comment").sendKeys("replica rebuild in progress");
        Instant submitted = Instant.now();
        find("#silence-submit").click();

        waitFor("the silences page lists it", d -> d.getCurrentUrl().contains("#/silences?created=")
                && text("#silences").contains("instance_id = \"" + INSTANCE + "\""));
        String id = browser.getCurrentUrl().replaceAll(".*created=", "");
        WebElement row = find("#silences tr[data-id='" + id + "']");
        assertEquals("active", row.getAttribute("data-status"));
        assertTrue(row.getText().contains("rule_id = \"replication-lag\"") && row.getText().contains("metric_name = \"replication_lag_seconds\"")
                && row.getText().contains("replica rebuild"), row.getText());

        Map<String, Object> silence = silence(id);
        assertEquals(List.of(Map.of("label", "rule_id", "op", "=", "value", "replication-lag"),
                Map.of("label", "instance_id", "op", "=", "value", INSTANCE),
                Map.of("label", "metric_name", "op", "=", "value", "replication_lag_seconds")), silence.get("matchers"),
                "operators read back as the console wrote them");
        assertEquals("oncall", silence.get("created_by"));
        Duration length = Duration.between(submitted, Instant.parse((String) silence.get("ends_at")));
        assertTrue(length.compareTo(Duration.ofMinutes(119)) > 0 && length.compareTo(Duration.ofMinutes(121)) < 0, "2 h: " + length);

        // The next notification: the lag goes critical, a severity change. Under the silence the alert
        // keeps its state and history but nothing is sent (docs/semantics.md).
        double suppressedBefore = suppressedDecisions();
        sendMetric(INSTANCE, "replication_lag_seconds", 150, Instant.now());
        browser.get(base + "#/alerts/" + KEY);
        waitFor("the alert goes critical, silenced", d -> text("#transitions").contains("severity changed")
                && text("#alert-suppressed").equals("silenced"));
        WebElement change = browser.findElements(By.cssSelector("#transitions tbody tr")).get(0);
        assertTrue(change.getText().contains("severity changed") && change.getText().contains("suppressed (silence:" + id + ")"),
                change.getText());
        assertEquals("silence:" + id, get("/api/v1/alerts/" + KEY, Argument.mapOf(String.class, Object.class)).get("suppressed_by"));
        awaitRest("the dispatcher decided on the silenced severity change", ConsoleIT::suppressedDecisions,
                n -> n > suppressedBefore);
        assertTrue(notifications.delivered().stream().noneMatch(r -> r.body().contains("\"db_instance_id\":\"" + INSTANCE + "\"")
                && r.body().contains("\"severity\":\"critical\"")), "nothing sent for the silenced severity change");
    }

    /** The dispatcher's count of events it decided not to send because the topology suppressed them. */
    private static double suppressedDecisions() {
        String metrics = rest.toBlocking().retrieve(HttpRequest.GET("/prometheus"));
        return metrics.lines().filter(l -> l.startsWith("gds_dispatcher_decisions_total") && l.contains("reason=\"suppressed\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    @Order(7)
    void maintenanceModeSilencesAnInstanceUntilExpired() {
        waitFor("the maintenance action names the instance", d -> text("#maintenance-link").contains(INSTANCE));
        find("#maintenance-link").click();
        waitFor("pre-filled with the instance", d -> d.findElements(By.cssSelector("#silence-matchers .matcher-row")).size() == 1);
        assertEquals("none", new Select(find("#silence-duration")).getFirstSelectedOption().getAttribute("value"), "no end");
        find("#silence-comment").sendKeys("OS patching");
        find("#silence-submit").click();
        waitFor("listed as maintenance", d -> d.getCurrentUrl().contains("created=")
                && !d.findElements(By.cssSelector("#silences tr[data-status='maintenance']")).isEmpty());
        String id = browser.getCurrentUrl().replaceAll(".*created=", "");
        assertNull(silence(id).get("ends_at"), "maintenance mode has no end");

        WebElement expire = find("#silences tr[data-id='" + id + "'] button.expire");
        expire.click();
        waitFor("expiring asks for a confirmation", d -> text("#silences tr[data-id='" + id + "'] button.expire").equals("Confirm expire"));
        find("#silences tr[data-id='" + id + "'] button.expire").click();
        waitFor("gone from the page", d -> d.findElements(By.cssSelector("#silences tr[data-id='" + id + "']")).isEmpty());
        awaitRest("gone from the API", () -> get("/api/v1/silences", Argument.listOf(Argument.mapOf(String.class, Object.class))),
                all -> all.stream().noneMatch(s -> id.equals(s.get("silence_id"))));
    }

    @Test
    @Order(8)
    void sloBudgetsAndBurnRatesAreCharted() {
        browser.get(base + "#/slo");
        waitFor("every instance's SLO is listed", d -> d.findElements(By.cssSelector("#slos tr[data-rule='availability']")).size() == 7);
        WebElement worst = browser.findElements(By.cssSelector("#slos tbody tr")).get(0);
        assertEquals("pg-prod-4", worst.getAttribute("data-instance"), "the least budget left comes first");
        assertTrue(!worst.findElements(By.cssSelector("svg.burn rect.bar.hot")).isEmpty(), "its burn rate is over the alerting rate");
        screenshot("console-slo.png");
        worst.findElement(By.cssSelector("a")).click();
        waitFor("its windows are charted", d -> !d.findElements(By.cssSelector("#burn-chart svg.burn rect.bar")).isEmpty());
        assertTrue(text(".slo-windows").contains("1h") && text(".slo-windows").contains("30d (period)"), text(".slo-windows"));
    }

    /**
     * Issue 23: half an hour of a 30-day SLO is not a period. pg-prod-4 was down 6 samples of 30: over
     * the period's budget that is 200× × 30m / 30d ≈ 14% spent so far, not "exhausted (−19900%)".
     */
    @Test
    @Order(8)
    void anSloWithAPartlyFilledPeriodSaysSoAndCountsTheBudgetOnWhatIsThere() {
        browser.get(base + "#/slo");
        waitFor("the SLOs are listed", d -> !d.findElements(By.cssSelector("#slos tr[data-instance='pg-prod-4']")).isEmpty());
        WebElement worst = find("#slos tr[data-instance='pg-prod-4']");
        String budget = worst.findElement(By.cssSelector(".budget-cell")).getText();
        assertTrue(budget.matches("(?s)not enough history \\(\\d+m \\d+s of 30d\\).*"), budget);
        assertTrue(budget.contains("% left so far") && !budget.contains("exhausted"), budget);
        double left = Double.parseDouble(budget.replaceAll("(?s).*?([0-9.]+)% left so far.*", "$1"));
        assertTrue(left > 80 && left < 90, "about 86% of the period's budget is left: " + budget);
        worst.findElement(By.cssSelector("a")).click();
        waitFor("the detail says it too", d -> text(".budget-big").startsWith("not enough history ("));
    }

    @Test
    @Order(9)
    void rulesAreListedWithWhereTheyCameFrom() {
        browser.get(base + "#/rules");
        waitFor("the rules are listed", d -> !d.findElements(By.cssSelector("#rule-replication-lag")).isEmpty());
        WebElement rule = find("#rule-replication-lag");
        assertTrue(rule.findElement(By.cssSelector(".origin")).getText().equals("rules/packs/postgresql.yaml:12"), rule.getText());
        assertTrue(rule.getText().contains("warning: > 30") && rule.getText().contains("critical: > 120"), rule.getText());
    }

    @Test
    @Order(10)
    void aReadOnlyTokenSeesWhyItCannotAct() {
        browser.get(base + "#/alerts/" + KEY);
        browser.findElement(By.xpath("//button[text()='Forget token']")).click();
        waitFor("asked for a token again", d -> find("#auth").isDisplayed());
        enterToken(READ);
        waitFor("signed in read-only", d -> text("#whoami").startsWith("reader"));
        waitFor("the alert is shown", d -> text("#alert-title").equals("replication-lag · " + INSTANCE));
        assertTrue(find("#resolve-button").getAttribute("disabled") != null, "no write right, no resolve");
        assertTrue(text(".actions").contains("need the \"write\" right"), text(".actions"));
    }

    @Test
    @Order(11)
    void everythingTheConsoleLoadsComesFromTheServiceItself() {
        @SuppressWarnings("unchecked")
        List<String> loaded = (List<String>) js("return performance.getEntriesByType('resource').map(e => e.name);");
        assertTrue(loaded.stream().anyMatch(u -> u.endsWith("/console/app.js")), loaded.toString());
        for (String url : loaded) {
            assertTrue(url.startsWith(base), "loaded from elsewhere: " + url);
        }
    }

    @Test
    @Order(12)
    void theApiAnswersWhatTheConsoleAsks() {
        Argument<Map<String, Object>> map = Argument.mapOf(String.class, Object.class);
        List<String> byInstance = items(get("/api/v1/alerts?sort=instance,-age", map)).stream()
                .map(a -> (String) a.get("instance_id")).toList();
        assertEquals(byInstance.stream().sorted().toList(), byInstance, "sort=instance");
        assertEquals(List.of("availability", "connections-saturated"), items(get("/api/v1/alerts?q=PG-PROD-4&sort=rule", map))
                .stream().map(a -> a.get("rule_id")).toList(), "q is a case-insensitive substring");

        Map<String, Object> critical = get("/api/v1/alerts?state=firing,acknowledged&severity=CRITICAL", map);
        assertEquals(Map.of("PENDING", 0, "FIRING", 4, "ACKNOWLEDGED", 1), critical.get("state_counts"),
                "per state, over the alerts the other filters select, zeros included");
        assertEquals(5, ((Number) critical.get("total")).intValue());
        assertEquals(Map.of("INFO", 0, "WARNING", 3, "HIGH", 0, "CRITICAL", 5), critical.get("severity_counts"));
        var bad = org.junit.jupiter.api.Assertions.assertThrows(io.micronaut.http.client.exceptions.HttpClientResponseException.class,
                () -> get("/api/v1/alerts?sort=colour", map));
        assertEquals(400, bad.getStatus().getCode());

        assertEquals(Map.of("auth", true, "authenticated", false), rest.toBlocking().retrieve(HttpRequest.GET("/api/v1/me"), map));
        assertEquals(Map.of("auth", true, "authenticated", false),
                rest.toBlocking().retrieve(HttpRequest.GET("/api/v1/me").bearerAuth("wrong"), map), "a bad token is no one");
        assertEquals(Map.of("auth", true, "authenticated", true, "name", "reader", "rights", List.of("read")),
                get("/api/v1/me", map));

        Map<String, Object> first = get("/api/v1/slo?limit=2", map);
        Map<String, Object> second = get("/api/v1/slo?limit=2&offset=2", map);
        assertEquals(7, ((Number) first.get("total")).intValue());
        assertEquals("pg-prod-4", items(first).get(0).get("instance_id"), "the least budget left first");
        assertEquals(4, java.util.stream.Stream.concat(items(first).stream(), items(second).stream())
                .map(s -> s.get("instance_id")).distinct().count(), "pages do not overlap");

        Map<String, Object> values = get("/api/v1/alerts/" + KEY + "/values?minutes=60", map);
        assertEquals(METRICS, values.get("topic"));
        assertEquals(32, items(values, "points").size(), "31 samples of the ramp and the critical one");
        Map<String, Object> few = get("/api/v1/alerts/" + KEY + "/values?minutes=60&points=10", map);
        assertEquals(true, few.get("downsampled"));
        assertTrue(items(few, "points").size() <= 10, few.toString());
    }

    @Test
    @Order(13)
    void anEmptyAlertKeyShowsTheListNotAnAlertCalledUndefined() {
        browser.get(base + "#/alerts/");
        waitFor("the alert list is shown", d -> rows().size() >= 5);
        String page = find("main").getText();
        assertTrue(!page.contains("undefined"), page);
        assertTrue(browser.findElements(By.cssSelector("#maintenance-link")).isEmpty(), "no maintenance button for no one");
    }

    @Test
    @Order(14)
    void theSummaryIsLabelledAsOfItsTransitionAndTheValueAsCurrent() {
        browser.get(base + "#/alerts/" + KEY);
        waitFor("the alert is shown", d -> text("#alert-title").equals("replication-lag · " + INSTANCE));
        assertTrue(text("#alert-summary").startsWith("At the last transition ("), text("#alert-summary"));
        assertTrue(text("#alert-facts").contains("Current value"), text("#alert-facts"));
        browser.get(base + "#/alerts");
        waitFor("the list is shown", d -> !d.findElements(rowSelector(KEY)).isEmpty());
        assertTrue(find("#alerts thead").getText().contains("Current value"), find("#alerts thead").getText());
        assertTrue(find("#alerts tr[data-key='" + KEY + "'] .summary-text").getAttribute("title").startsWith("as written at the last transition"));
    }

    /** PENDING (and acknowledgement) transitions are never sent: no message id that suggests a notification. */
    @Test
    @Order(15)
    void transitionsThatAreNeverSentShowNoNotificationId() {
        String key = "slow-transaction:pg-prod-8:longest_transaction_seconds";
        sendMetric("pg-prod-8", "longest_transaction_seconds", 900, Instant.now());
        browser.get(base + "#/alerts/" + key);
        waitFor("the pending transition is listed", d -> text("#transitions").contains("pending"));
        WebElement pending = browser.findElements(By.cssSelector("#transitions tbody tr")).get(0);
        assertEquals("not sent", pending.findElement(By.cssSelector("td.notification")).getText(), pending.getText());
        browser.get(base + "#/alerts/" + KEY);
        waitFor("the acknowledged alert is shown", d -> text("#transitions").contains("acknowledged"));
        for (WebElement tr : browser.findElements(By.cssSelector("#transitions tbody tr"))) {
            String cell = tr.findElement(By.cssSelector("td.notification")).getText();
            if (!tr.findElements(By.xpath("td[2][starts-with(., 'acknowledged')]")).isEmpty()) {
                assertEquals("not sent", cell, tr.getText());
            }
            if (!tr.findElements(By.xpath("td[2][starts-with(., 'fired')]")).isEmpty()) {
                assertTrue(cell.matches("[0-9a-zA-Z:._-]{6,}"), "a sent transition shows its message id: " + tr.getText());
            }
        }
    }

    @Test
    @Order(16)
    void aGapInTheDataBreaksTheLine() {
        String key = "replication-lag:pg-prod-9:replication_lag_seconds";
        Instant now = Instant.now();
        for (int minute = 40; minute >= 0; minute--) {
            if (minute > 30 || minute < 10) { // nothing for 20 minutes in between
                sendMetric("pg-prod-9", "replication_lag_seconds", 40 + minute % 3, now.minus(Duration.ofMinutes(minute)));
            }
        }
        browser.get(base + "#/alerts/" + key);
        waitFor("the value history is drawn", d -> !d.findElements(By.cssSelector("#value-chart svg.spark path.line")).isEmpty()
                && find("#value-chart").getText().contains("gap"));
        String d = find("#value-chart svg.spark path.line").getAttribute("d");
        assertEquals(2, d.chars().filter(c -> c == 'M').count(), "two runs of samples, no line across the gap: " + d);
        assertEquals("1", find("#value-chart svg.spark path.line").getAttribute("data-gaps"));
    }

    /** The availability SLO's alert is about its burn rate (threshold 14.4×), not the 0/1 of up. */
    @Test
    @Order(17)
    void anSloAlertChartsItsBurnRate() {
        Argument<Map<String, Object>> map = Argument.mapOf(String.class, Object.class);
        Map<String, Object> alert = items(get("/api/v1/alerts?rule_id=availability", map)).get(0);
        browser.get(base + "#/alerts/" + alert.get("alert_key"));
        waitFor("the burn rate is charted", d -> text("#chart-h").equals("Burn rate")
                && !d.findElements(By.cssSelector("#value-chart svg.spark")).isEmpty());
        String label = find("#value-chart svg.spark").getAttribute("aria-label");
        assertTrue(label.startsWith("burn rate:"), label);
        double max = Double.parseDouble(find("#value-chart figcaption").getText().replaceAll("(?s).*max ([0-9.e+]+).*", "$1"));
        assertTrue(max > 1, "a burn rate, not up's 0/1: " + find("#value-chart figcaption").getText());
        assertTrue(find("#value-chart figcaption").getText().contains("threshold " + alert.get("threshold").toString().replaceAll("\\.0$", "")),
                find("#value-chart figcaption").getText());
        assertTrue(text("#alert-facts").contains("Current burn rate"), text("#alert-facts"));
    }

    /**
     * An anomaly alert explains itself: the expected value, the band and the deviation in σ of the newest
     * evaluation (the same numbers as the REST API), and the value chart shades the band on the metric's scale
     * (the spike above it), with no threshold line (the rule's bounds are in σ, not in connections).
     */
    @Test
    @Order(18)
    void anAnomalyAlertShowsItsExpectedValueBandAndDeviation() {
        String key = "connections-anomaly:" + INSTANCE + ":active_connections";
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS); // metrics carry milliseconds
        for (int minute = 50; minute >= 0; minute--) {
            double connections = minute <= 2 ? 160 : 100 + (minute % 5) - 2; // 98..102, then three samples of 160
            sendMetric(INSTANCE, "active_connections", connections, now.minus(Duration.ofMinutes(minute)));
        }
        Argument<Map<String, Object>> map = Argument.mapOf(String.class, Object.class);
        Map<String, Object> alert = awaitRest("the anomaly fires", () -> get("/api/v1/alerts/" + key, map),
                a -> "FIRING".equals(a.get("state")) && a.get("band_upper") != null
                        && now.equals(Instant.parse((String) a.get("last_sample_at"))));
        double expected = ((Number) alert.get("expected")).doubleValue();
        double lower = ((Number) alert.get("band_lower")).doubleValue();
        double upper = ((Number) alert.get("band_upper")).doubleValue();
        double sigma = ((Number) alert.get("deviation_sigma")).doubleValue();
        assertTrue(lower < expected && expected < upper && upper < 160 && sigma > 3, alert.toString());

        browser.get(base + "#/alerts/" + key);
        waitFor("the decision is explained", d -> "anomaly".equals(find("#alert-explain").getAttribute("data-kind")));
        String explained = text("#alert-explain");
        assertTrue(explained.contains("expected " + shown(expected)), explained);
        assertTrue(explained.contains("normal band " + shown(lower) + " – " + shown(upper)), explained);
        assertTrue(explained.contains("+" + shown(sigma) + "σ above the expected value"), explained);
        assertTrue(explained.contains("alerts beyond 3σ"), explained);
        assertEquals(sigma, Double.parseDouble(find("#alert-explain .deviation").getAttribute("data-value")));
        String facts = text("#alert-facts");
        assertTrue(facts.contains("Expected\n" + shown(expected)) && facts.contains("Band\n" + shown(lower) + " – " + shown(upper))
                && facts.contains("Deviation\n" + shown(((Number) alert.get("value")).doubleValue()) + "σ (bounds 3σ)"), facts);

        waitFor("the band is drawn on the value chart", d -> !d.findElements(By.cssSelector("#value-chart svg.spark g.band")).isEmpty()
                && !d.findElements(By.cssSelector("#value-chart svg.spark path.line")).isEmpty());
        WebElement band = find("#value-chart svg.spark g.band");
        assertEquals(lower, Double.parseDouble(band.getAttribute("data-lower")));
        assertEquals(upper, Double.parseDouble(band.getAttribute("data-upper")));
        assertTrue(browser.findElements(By.cssSelector("#value-chart svg.spark line.threshold")).isEmpty(),
                "the bounds (σ) are not drawn as a threshold on the connections' scale");
        String caption = find("#value-chart figcaption").getText();
        assertTrue(caption.contains("band " + shown(lower) + " – " + shown(upper)) && caption.contains("max 160"), caption);
        // On the chart's scale (SVG y grows downwards): the band lies between its edges, the spike above it, the usual samples in it.
        double top = Double.parseDouble(find("#value-chart g.band line.band-upper").getAttribute("y1"));
        double bottom = Double.parseDouble(find("#value-chart g.band line.band-lower").getAttribute("y1"));
        WebElement area = find("#value-chart g.band rect.band-area");
        assertEquals(top, Double.parseDouble(area.getAttribute("y")), 0.01);
        assertEquals(bottom - top, Double.parseDouble(area.getAttribute("height")), 0.01);
        String[] path = find("#value-chart svg.spark path.line").getAttribute("d").split("[ML]");
        double spikeY = Double.parseDouble(path[path.length - 1].split(",")[1]);
        double usualY = Double.parseDouble(path[path.length - 5].split(",")[1]);
        assertTrue(spikeY < top, "the spike (" + spikeY + ") is above the band's upper edge (" + top + ")");
        assertTrue(usualY > top && usualY < bottom, "a usual sample (" + usualY + ") is inside the band (" + top + ".." + bottom + ")");
        screenshot("console-anomaly.png");
        // The list shows the value as what it is: a deviation in σ against the bounds, not the metric's own units.
        browser.get(base + "#/alerts");
        waitFor("the anomaly alert's value is listed in σ, against the bounds", d -> !d.findElements(
                By.cssSelector("#alerts tr[data-key='" + key + "'] td.col-value")).isEmpty()
                && text("#alerts tr[data-key='" + key + "'] td.col-value").equals(
                        shown(((Number) alert.get("value")).doubleValue()) + "σ / 3σ"));
    }

    /**
     * A forecast alert explains itself: when the trend crosses the rule's limit (the REST API's
     * predicted_crossing_at), the trend line's value now and the horizon; the chart draws the limit, on the
     * metric's scale, not the horizon in seconds the alert's threshold holds.
     */
    @Test
    @Order(19)
    void aForecastAlertShowsItsPredictedCrossing() {
        String key = "disk-forecast:" + INSTANCE + ":disk_used_ratio";
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        for (int minute = 30; minute >= 0; minute--) {
            sendMetric(INSTANCE, "disk_used_ratio", 0.56 - 0.002 * minute, now.minus(Duration.ofMinutes(minute))); // 0.9 in 170 min
        }
        Argument<Map<String, Object>> map = Argument.mapOf(String.class, Object.class);
        Map<String, Object> alert = awaitRest("the forecast fires", () -> get("/api/v1/alerts/" + key, map),
                a -> "FIRING".equals(a.get("state")) && a.get("predicted_crossing_at") != null
                        && now.equals(Instant.parse((String) a.get("last_sample_at"))));
        Instant crossing = Instant.parse((String) alert.get("predicted_crossing_at"));
        double trendNow = ((Number) alert.get("expected")).doubleValue();

        browser.get(base + "#/alerts/" + key);
        waitFor("the decision is explained", d -> "forecast".equals(find("#alert-explain").getAttribute("data-kind"))
                && text("#alert-explain").contains("the limit 0.9"));
        String explained = text("#alert-explain");
        assertEquals(crossing, Instant.parse(find("#alert-explain time.crossing").getAttribute("datetime")));
        assertTrue(explained.contains("the trend crosses the limit 0.9 at " + find("#alert-explain time.crossing").getText() + " (in 2h "),
                explained);
        assertTrue(explained.contains("the trend line is at " + shown(trendNow) + " now") && explained.contains("alerts within 4h 00m"),
                explained);
        assertTrue(text("#alert-facts").contains("Predicted crossing") && text("#alert-facts").contains("Horizon\n4h 00m"),
                text("#alert-facts"));
        waitFor("the limit is drawn on the value chart", d -> !d.findElements(By.cssSelector("#value-chart svg.spark path.line")).isEmpty());
        String caption = find("#value-chart figcaption").getText();
        assertTrue(caption.contains("threshold 0.9") && caption.contains("last 0.56"), caption);
        assertTrue(browser.findElements(By.cssSelector("#value-chart svg.spark g.band")).isEmpty(), "a forecast has no band");
        // The list shows the predicted crossing, not the seconds to it as a bare number.
        String crossingShown = find("#alert-explain time.crossing").getText();
        browser.get(base + "#/alerts");
        waitFor("the forecast alert's value is listed as its crossing", d -> !d.findElements(
                By.cssSelector("#alerts tr[data-key='" + key + "'] td.col-value")).isEmpty()
                && text("#alerts tr[data-key='" + key + "'] td.col-value").equals("crosses " + crossingShown));
    }

    /** A number as the console prints it (dom.js number(): four significant digits, no trailing zeros). */
    private static String shown(double v) {
        return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }

    private static List<Map<String, Object>> items(Map<String, Object> page) {
        return items(page, "items");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> items(Map<String, Object> page, String field) {
        return (List<Map<String, Object>>) page.getOrDefault(field, List.of());
    }

    // --- fixtures -------------------------------------------------------------------------------

    private static void publishRules() {
        send(TOPICS.rules(), "replication-lag", Rule.newBuilder().setRuleId("replication-lag").setKind(RuleKind.THRESHOLD)
                .setSelector(new Selector("replication_lag_seconds", List.of()))
                .setConditions(List.of(new Condition(Severity.WARNING, Comparison.GT, 30.0, null),
                        new Condition(Severity.CRITICAL, Comparison.GT, 120.0, null)))
                .setSummary("{{instance_id}} replica is {{value}} s behind")
                .setDescription("The replica applies changes late; reads from it are stale.")
                .setRunbookUrl("https://runbooks.example.com/gds/replication-lag")
                .setLabels(Map.of("team", "dba"))
                .setSource("rules/packs/postgresql.yaml:12")
                .build());
        send(TOPICS.rules(), "connections-saturated", Rule.newBuilder().setRuleId("connections-saturated").setKind(RuleKind.THRESHOLD)
                .setSelector(new Selector("connections_used_ratio", List.of()))
                .setConditions(List.of(new Condition(Severity.WARNING, Comparison.GT, 0.8, null),
                        new Condition(Severity.CRITICAL, Comparison.GT, 0.95, null)))
                .setSummary("{{instance_id}} uses {{value}} of its connections")
                .setSource("rules/packs/postgresql.yaml:30")
                .build());
        send(TOPICS.rules(), "availability", Rule.newBuilder().setRuleId("availability").setKind(RuleKind.SLO)
                .setSelector(new Selector("up", List.of()))
                .setSlo(SloSpec.newBuilder().setSli(SliKind.THRESHOLD).setGoodOp(Comparison.EQ).setGoodThreshold(1.0)
                        .setObjective(0.999).setPeriodMs(Duration.ofDays(30).toMillis()).build())
                .setSource("rules/packs/fleet.yaml:3")
                .build());
        // Their metrics are sent only by the anomaly and forecast tests (the last ones).
        send(TOPICS.rules(), "connections-anomaly", Rule.newBuilder().setRuleId("connections-anomaly").setKind(RuleKind.ANOMALY)
                .setSelector(new Selector("active_connections", List.of()))
                .setAnomaly(AnomalySpec.newBuilder().setAlgorithm(AnomalyAlgorithm.ADAPTIVE).setSeasonality(AnomalySeasonality.NONE)
                        .setBounds(3.0).setMinHistoryMs(Duration.ofMinutes(30).toMillis()).build())
                .setSummary("{{instance_id}} has unusual connections")
                .setSource("rules/packs/postgresql.yaml:70")
                .build());
        send(TOPICS.rules(), "disk-forecast", Rule.newBuilder().setRuleId("disk-forecast").setKind(RuleKind.FORECAST)
                .setSelector(new Selector("disk_used_ratio", List.of()))
                .setForecast(ForecastSpec.newBuilder().setLimit(0.9).setOp(Comparison.GT).setWindowMs(Duration.ofHours(1).toMillis())
                        .setHorizonMs(Duration.ofHours(4).toMillis()).build())
                .setSource("rules/packs/postgresql.yaml:80")
                .build());
        // Pending for an hour: its first transition is PENDING, which is never sent.
        send(TOPICS.rules(), "slow-transaction", Rule.newBuilder().setRuleId("slow-transaction").setKind(RuleKind.THRESHOLD)
                .setSelector(new Selector("longest_transaction_seconds", List.of()))
                .setConditions(List.of(new Condition(Severity.WARNING, Comparison.GT, 600.0, null)))
                .setForMs(Duration.ofHours(1).toMillis())
                .setSource("rules/packs/postgresql.yaml:50")
                .build());
    }

    /** Six more instances with seven alerts between them (lag, connections, one SLO), and every instance's availability over the last half hour. */
    private static void seedFleet() {
        Instant now = Instant.now();
        Map<String, double[]> others = Map.of(
                "pg-prod-2", new double[] {200, 0.5}, "pg-prod-3", new double[] {45, 0.6}, "pg-prod-4", new double[] {10, 0.97},
                "pg-prod-5", new double[] {12, 0.85}, "pg-prod-6", new double[] {80, 0.99}, "pg-prod-7", new double[] {5, 0.4});
        others.forEach((instance, v) -> {
            sendMetric(instance, "replication_lag_seconds", v[0], now.minusSeconds(60 * (instance.charAt(8) - '0')));
            sendMetric(instance, "connections_used_ratio", v[1], now.minusSeconds(50 * (instance.charAt(8) - '0')));
        });
        for (int i = 1; i <= 7; i++) {
            String instance = "pg-prod-" + i;
            for (int minute = 30; minute >= 1; minute--) {
                boolean down = instance.equals("pg-prod-4") && minute % 5 == 0;
                sendMetric(instance, "up", down ? 0 : 1, now.minus(Duration.ofMinutes(minute)));
            }
        }
        awaitRest("the seeded alerts are open", () -> get("/api/v1/alerts?limit=100", Argument.mapOf(String.class, Object.class)),
                page -> ((Number) page.get("total")).intValue() == 7);
    }

    private static void sendMetric(String instance, String name, double value, Instant at) {
        send(METRICS, instance, Metric.newBuilder().setTimestamp(at).setDatabaseType("postgresql").setInstanceId(instance)
                .setMetricName(name).setValue(value).setTags(Map.of("environment", "prod", "region", "eu-west-1"))
                .setMetadata(new MetricMetadata(3L, "console-it", UUID.randomUUID().toString())).build());
    }

    private static <T extends SpecificRecord> void send(String topic, String key, T value) {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) value.getClass();
        byte[] bytes = AvroSerdes.valueSerde(type, Map.of("schema.registry.url", InMemorySchemaRegistry.SCHEME + SCOPE))
                .serializer().serialize(topic, value);
        try {
            producer.send(new ProducerRecord<>(topic, key, bytes)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("could not send to " + topic, e);
        }
    }

    private static <T> T get(String path, Argument<T> type) {
        return rest.toBlocking().retrieve(HttpRequest.GET(path).bearerAuth(READ), type);
    }

    private static Map<String, Object> silence(String id) {
        return awaitRest("silence " + id + " is stored", () -> get("/api/v1/silences",
                Argument.listOf(Argument.mapOf(String.class, Object.class))), all -> all.stream()
                .anyMatch(s -> id.equals(s.get("silence_id"))))
                .stream().filter(s -> id.equals(s.get("silence_id"))).findFirst().orElseThrow();
    }

    /** Polls the API until {@code condition} holds; a 503 (state moving) is "not yet". */
    private static <T> T awaitRest(String what, java.util.function.Supplier<T> attempt, java.util.function.Predicate<T> condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        T last = null;
        RuntimeException error = null;
        while (System.nanoTime() < deadline) {
            try {
                last = attempt.get();
                error = null;
                if (condition.test(last)) {
                    return last;
                }
            } catch (io.micronaut.http.client.exceptions.HttpClientResponseException e) {
                error = e;
            }
            try {
                Thread.sleep(100); // polling interval of the wait, not a timing assumption
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
        String answer = String.valueOf(last);
        throw new AssertionError(what + " did not happen within " + WAIT + "; last answer "
                + (answer.length() > 2000 ? answer.substring(0, 2000) + "…" : answer), error);
    }

    // --- browser helpers ------------------------------------------------------------------------

    private static void enterToken(String token) {
        WebElement input = find("#token-input");
        input.clear();
        input.sendKeys(token);
        find("#token-form button[type=submit]").click();
    }

    private static By rowSelector(String key) {
        return By.cssSelector("#alerts tr[data-key='" + key + "']");
    }

    private static List<WebElement> rows() {
        return browser.findElements(By.cssSelector("#alerts tr.alert-row"));
    }

    private static WebElement find(String css) {
        return browser.findElement(By.cssSelector(css));
    }

    private static String text(String css) {
        List<WebElement> found = browser.findElements(By.cssSelector(css));
        return found.isEmpty() ? "" : found.get(0).getText().trim();
    }

    private static Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    private static void waitFor(String what, Function<org.openqa.selenium.WebDriver, Boolean> condition) {
        new WebDriverWait(browser, WAIT).withMessage(what).ignoring(StaleElementReferenceException.class).until(condition::apply);
    }

    private static void screenshot(String name) {
        byte[] png = browser.getScreenshotAs(OutputType.BYTES);
        try {
            Files.write(SCREENSHOTS.resolve(name), png);
            if (Boolean.getBoolean("console.docs-screenshots")) {
                Files.write(Files.createDirectories(DOCS_SCREENSHOTS).resolve(name), png);
            }
        } catch (IOException e) {
            throw new AssertionError("could not save the screenshot " + name, e);
        }
    }
}
