package com.gds.alerting.benchmarks;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

import com.gds.alerting.avro.Comparison;
import com.gds.alerting.avro.Condition;
import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.MetricMetadata;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.RuleKind;
import com.gds.alerting.avro.Selector;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.serde.AvroClassTrust;
import com.gds.alerting.avro.serde.GdsAvroSerializer;
import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.contract.GdsTopics;
import com.gds.alerting.contract.TopicLayout;
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;

/**
 * The web console on a large fleet: N open alerts (one per instance) in the real service on the
 * in-process broker, the console in Debian's headless Chromium. Reports, per view, the time from
 * navigation to the first rendered alert table (the page's own {@code gds:alerts-rendered} mark),
 * the cost of one live update ({@code gds:refresh}: the API call and the in-place DOM update), and
 * the REST calls behind them.
 *
 * <pre>
 * scripts/ensure-chromium.sh
 * java -cp benchmarks/target/gds-benchmarks.jar com.gds.alerting.benchmarks.ConsoleBenchmark [--alerts 5000] [--loads 5] [--refreshes 30]
 * </pre>
 */
public final class ConsoleBenchmark {

    private static final String REGISTRY = InMemorySchemaRegistry.SCHEME + "console-bench";
    private static final GdsTopics TOPICS = GdsTopics.defaults();
    private static final String METRICS = TOPICS.metricsTopic("postgresql", "prod");
    private static final List<String> VIEWS = List.of("#/alerts", "#/alerts?limit=500", "#/alerts?group=severity&sort=instance&limit=500",
            "#/alerts?q=db-42");

    private final int alerts;
    private final int loads;
    private final int refreshes;
    private final Path workDir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Requests sent so far (main thread only), for the CPU per request. */
    private long requestsMade;

    private ConsoleBenchmark(Map<String, String> args) {
        alerts = Integer.parseInt(args.getOrDefault("alerts", "5000"));
        loads = Integer.parseInt(args.getOrDefault("loads", "5"));
        refreshes = Integer.parseInt(args.getOrDefault("refreshes", "30"));
        workDir = Path.of(args.getOrDefault("work-dir", "target/console-bench")).toAbsolutePath();
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = BenchArgs.parse("ConsoleBenchmark", argv,
                "alerts", "loads", "refreshes", "work-dir");
        new ConsoleBenchmark(args).run();
    }

    private void run() throws Exception {
        AvroClassTrust.install();
        Files.createDirectories(workDir);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(Files.createTempDirectory(workDir, "broker")).build().start()) {
            createTopics(broker);
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    broker.bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, 10), new StringSerializer(), new ByteArraySerializer())) {
                GdsAvroSerializer<Rule> rules = new GdsAvroSerializer<>();
                rules.configure(Map.of("schema.registry.url", REGISTRY), false);
                producer.send(new ProducerRecord<>(TOPICS.rules(), "saturation", rules.serialize(TOPICS.rules(), Rule.newBuilder()
                        .setRuleId("saturation").setKind(RuleKind.THRESHOLD).setSelector(new Selector("connections_used_ratio", List.of()))
                        .setConditions(List.of(new Condition(Severity.WARNING, Comparison.GT, 0.5, null),
                                new Condition(Severity.CRITICAL, Comparison.GT, 0.9, null)))
                        .setSummary("{{instance_id}} uses {{value}} of its connections").build())));
                ApplicationContext service = service(broker);
                try {
                    String base = service.getBean(EmbeddedServer.class).getURL().toString();
                    awaitRule(base);
                    produceAlerts(producer);
                    awaitTotal(base);
                    ProcessCpu restCpu = ProcessCpu.start();
                    long requestsBefore = requestsMade;
                    double[] list100 = timeGet(base + "/api/v1/alerts?limit=100");
                    double[] list500 = timeGet(base + "/api/v1/alerts?limit=500&sort=instance");
                    double[] values = timeGet(base + "/api/v1/alerts/saturation:db-42:connections_used_ratio/values");
                    String restCpuLine = restCpu.report(requestsMade - requestsBefore, "requests");
                    ChromeDriver browser = chromium();
                    try {
                        System.out.println();
                        System.out.printf(Locale.ROOT, "console with %,d open alerts (one service instance, headless Chromium)%n", alerts);
                        for (String view : VIEWS) {
                            measureView(browser, base, view);
                        }
                        measureRefresh(browser, base, "#/alerts?limit=500");
                    } finally {
                        browser.quit();
                    }
                    print("GET /api/v1/alerts?limit=100", list100);
                    print("GET /api/v1/alerts?limit=500&sort=instance", list500);
                    print("GET /api/v1/alerts/{key}/values (60 min)", values);
                    System.out.println("  REST requests above, warm-ups included: " + restCpuLine
                            + " (service and broker in this process; Chromium is not)");
                } finally {
                    service.close();
                }
            }
        }
    }

    private void measureView(ChromeDriver browser, String base, String view) {
        double[] ms = new double[loads];
        for (int i = 0; i < loads; i++) {
            browser.get(base + "?load=" + i + view);
            ms[i] = waitForNumber(browser, "const m = performance.getEntriesByName('gds:alerts-rendered');"
                    + " return m.length ? m[0].startTime : null;");
        }
        Arrays.sort(ms);
        Object rows = ((JavascriptExecutor) browser).executeScript("return document.querySelectorAll('#alerts tr.alert-row').length;");
        System.out.printf(Locale.ROOT, "  first render  %-52s median %7.1f ms  max %7.1f ms  (%s rows, %d loads)%n", view,
                ms[ms.length / 2], ms[ms.length - 1], rows, loads);
    }

    private void measureRefresh(ChromeDriver browser, String base, String view) {
        browser.get(base + "?refresh" + view);
        waitForNumber(browser, "const m = performance.getEntriesByName('gds:alerts-rendered'); return m.length ? 1 : null;");
        JavascriptExecutor js = browser;
        js.executeScript("performance.clearMeasures('gds:refresh');");
        double[] ms = new double[refreshes];
        for (int i = 0; i < refreshes; i++) {
            int before = i;
            // A visibilitychange to a visible page refreshes at once, as when someone returns to the tab.
            js.executeScript("document.dispatchEvent(new Event('visibilitychange'));");
            ms[i] = waitForNumber(browser, "const m = performance.getEntriesByName('gds:refresh');"
                    + " return m.length > " + before + " ? m[" + before + "].duration : null;");
        }
        Arrays.sort(ms);
        System.out.printf(Locale.ROOT, "  live update   %-52s median %7.1f ms  p95 %7.1f ms  (%d updates)%n", view, ms[ms.length / 2],
                ms[(int) Math.ceil(ms.length * 0.95) - 1], refreshes);
    }

    private static double waitForNumber(ChromeDriver browser, String script) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Object value = ((JavascriptExecutor) browser).executeScript(script);
            if (value instanceof Number n) {
                return n.doubleValue();
            }
        }
        throw new IllegalStateException("the page never answered: " + script);
    }

    private double[] timeGet(String url) throws Exception {
        for (int i = 0; i < 20; i++) {
            get(url);
        }
        double[] ms = new double[100];
        for (int i = 0; i < ms.length; i++) {
            long start = System.nanoTime();
            HttpResponse<String> response = get(url);
            ms[i] = (System.nanoTime() - start) / 1e6;
            if (response.statusCode() != 200) {
                throw new IOException(url + " answered " + response.statusCode() + ": " + response.body());
            }
        }
        Arrays.sort(ms);
        return ms;
    }

    private static void print(String what, double[] sorted) {
        System.out.printf(Locale.ROOT, "  %-66s p50 %6.1f ms  p99 %6.1f ms%n", what, sorted[sorted.length / 2], sorted[sorted.length - 2]);
    }

    private HttpResponse<String> get(String url) throws Exception {
        requestsMade++;
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private ChromeDriver chromium() throws IOException {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(System.getenv().getOrDefault("GDS_CHROMIUM", "/usr/bin/chromium"));
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--window-size=1400,1000", "--user-data-dir=" + Files.createTempDirectory(workDir, "chromium"));
        ChromeDriverService driver = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(System.getenv().getOrDefault("GDS_CHROMEDRIVER", "/usr/bin/chromedriver")).toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(driver, options);
    }

    private void produceAlerts(KafkaProducer<String, byte[]> producer) {
        GdsAvroSerializer<Metric> serializer = new GdsAvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", REGISTRY), false);
        Random random = new Random(42);
        Instant at = Instant.now().minusSeconds(5);
        for (int i = 0; i < alerts; i++) {
            String instance = "db-" + i;
            Metric metric = Metric.newBuilder().setTimestamp(at.minusSeconds(random.nextInt(3600))).setDatabaseType("postgresql")
                    .setInstanceId(instance).setMetricName("connections_used_ratio").setValue(0.51 + random.nextDouble() * 0.48)
                    .setTags(Map.of("environment", "prod")).setMetadata(new MetricMetadata(1L, "bench", "c")).build();
            producer.send(new ProducerRecord<>(METRICS, instance, serializer.serialize(METRICS, metric)));
        }
        producer.flush();
    }

    private static void createTopics(EmbeddedKafkaBroker broker) throws Exception {
        TopicLayout.create(broker.bootstrapServers(), TOPICS, List.of(METRICS), 6);
    }

    private ApplicationContext service(EmbeddedKafkaBroker broker) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Map<String, Object> props = new HashMap<>();
        props.put("micronaut.server.port", port);
        props.put("micronaut.security.enabled", false);
        props.put("gds.alerting.advertised-address", "localhost:" + port);
        props.put("gds.alerting.state-dir", Files.createTempDirectory(workDir, "state").toString());
        props.put("gds.serde.schema.registry.url", REGISTRY);
        props.put("kafka.bootstrap.servers", broker.bootstrapServers());
        props.put("gds.dispatcher.enabled", false);
        return ApplicationContext.run(EmbeddedServer.class, props).getApplicationContext();
    }

    private void awaitRule(String base) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (get(base + "/api/v1/rules/saturation").statusCode() != 200) {
            if (System.nanoTime() > deadline) {
                throw new IOException("the rule never reached the rule table");
            }
            Thread.sleep(50);
        }
    }

    private void awaitTotal(String base) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (true) {
            HttpResponse<String> response = get(base + "/api/v1/alerts?limit=1");
            if (response.statusCode() == 200 && response.body().contains("\"total\":" + alerts + ",")) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("never saw " + alerts + " alerts: " + response.body());
            }
            Thread.sleep(200);
        }
    }
}
