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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

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
import com.gds.alerting.service.query.AlertLocator;

/**
 * Figures of the alerting service on the in-process broker: startup to ready (empty state, and
 * restoring N alerts from the changelog), latency of {@code GET /api/v1/alerts/{key}} answered
 * locally and forwarded to the other instance, and of the fan-out list.
 *
 * <pre>
 * java -cp benchmarks/target/gds-benchmarks.jar com.gds.alerting.benchmarks.ServiceLatencyBenchmark
 *     [--alerts 10000] [--restore-alerts 100000] [--requests 2000]
 * </pre>
 */
public final class ServiceLatencyBenchmark {

    private static final String REGISTRY = InMemorySchemaRegistry.SCHEME + "service-bench";
    private static final GdsTopics TOPICS = GdsTopics.defaults();
    private static final String METRICS = TOPICS.metricsTopic("postgresql", "prod");

    private final int alerts;
    private final int restoreAlerts;
    private final int requests;
    private final Path workDir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Requests sent so far (main thread only), for the CPU per request. */
    private long requestsMade;
    private EmbeddedKafkaBroker broker;

    private ServiceLatencyBenchmark(Map<String, String> args) {
        alerts = Integer.parseInt(args.getOrDefault("alerts", "10000"));
        restoreAlerts = Integer.parseInt(args.getOrDefault("restore-alerts", "100000"));
        requests = Integer.parseInt(args.getOrDefault("requests", "2000"));
        workDir = Path.of(args.getOrDefault("work-dir", "target/service-bench")).toAbsolutePath();
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = BenchArgs.parse("ServiceLatencyBenchmark", argv,
                "alerts", "restore-alerts", "requests", "work-dir");
        new ServiceLatencyBenchmark(args).run();
    }

    private void run() throws Exception {
        AvroClassTrust.install();
        Files.createDirectories(workDir);
        broker = EmbeddedKafkaBroker.builder().dataDir(Files.createTempDirectory(workDir, "broker")).build().start();
        try {
            createTopics();
            publish(TOPICS.rules(), "bench", Rule.newBuilder().setRuleId("bench").setKind(RuleKind.THRESHOLD)
                    .setSelector(new Selector("bench_metric", List.of()))
                    .setConditions(List.of(new Condition(Severity.CRITICAL, Comparison.GT, 0.0, null))).build());
            Path stateA = Files.createTempDirectory(workDir, "state-a");
            long t0 = System.nanoTime();
            ApplicationContext a = service(stateA);
            awaitReady(a);
            double emptyStart = (System.nanoTime() - t0) / 1e9;
            ApplicationContext b = service(Files.createTempDirectory(workDir, "state-b"));
            awaitReady(b);
            produceAlerts(0, alerts);
            awaitTotal(a, alerts);
            String urlA = a.getBean(EmbeddedServer.class).getURL().toString();
            AlertLocator locator = a.getBean(AlertLocator.class);
            List<String> local = new ArrayList<>();
            List<String> remote = new ArrayList<>();
            for (int i = 0; i < alerts && (local.size() < requests || remote.size() < requests); i++) {
                String key = "bench:db-" + i + ":bench_metric";
                (locator.isSelf(locator.locate(key).activeHost()) ? local : remote).add(key);
            }
            ProcessCpu queryCpu = ProcessCpu.start();
            long requestsBefore = requestsMade;
            double[] localMs = time(local, key -> urlA + "/api/v1/alerts/" + key);
            double[] remoteMs = time(remote, key -> urlA + "/api/v1/alerts/" + key);
            double[] listMs = time(java.util.Collections.nCopies(50, ""), k -> urlA + "/api/v1/alerts?limit=100");
            String queryCpuLine = queryCpu.report(requestsMade - requestsBefore, "requests");

            produceAlerts(alerts, restoreAlerts);
            awaitTotal(a, restoreAlerts);
            a.close();
            b.close();
            long t1 = System.nanoTime();
            ProcessCpu restoreCpu = ProcessCpu.start();
            ApplicationContext restored = service(Files.createTempDirectory(workDir, "state-c"));
            awaitReady(restored);
            double restoreStart = (System.nanoTime() - t1) / 1e9;
            awaitTotal(restored, restoreAlerts);
            double restoreAll = (System.nanoTime() - t1) / 1e9;
            String restoreCpuLine = restoreCpu.report(restoreAlerts, "alerts restored");
            restored.close();

            System.out.println();
            System.out.printf(Locale.ROOT, "startup to ready, empty state:                %6.1f s%n", emptyStart);
            System.out.printf(Locale.ROOT, "startup to ready, restoring %,d alerts:   %6.1f s%n", restoreAlerts, restoreStart);
            System.out.printf(Locale.ROOT, "startup to all %,d alerts listed:         %6.1f s%n", restoreAlerts, restoreAll);
            print("GET /api/v1/alerts/{key}, local", localMs);
            print("GET /api/v1/alerts/{key}, forwarded", remoteMs);
            print("GET /api/v1/alerts?limit=100 (fan-out, " + alerts + " alerts, 2 instances)", listMs);
            System.out.println("queries, warm-ups included: " + queryCpuLine + " (both instances and the broker in this process)");
            System.out.println("start until all alerts listed: " + restoreCpuLine + " (service and broker in this process)");
        } finally {
            broker.close();
        }
    }

    private interface Url {
        String of(String key);
    }

    private double[] time(List<String> keys, Url url) throws Exception {
        List<String> sample = keys.subList(0, Math.min(keys.size(), requests));
        for (String key : sample.subList(0, Math.min(100, sample.size()))) {
            get(url.of(key));
        }
        double[] ms = new double[sample.size()];
        for (int i = 0; i < sample.size(); i++) {
            long start = System.nanoTime();
            int status = get(url.of(sample.get(i)));
            ms[i] = (System.nanoTime() - start) / 1e6;
            if (status != 200) {
                throw new IOException("GET " + url.of(sample.get(i)) + " answered " + status);
            }
        }
        Arrays.sort(ms);
        return ms;
    }

    private int get(String url) throws Exception {
        requestsMade++;
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static void print(String what, double[] sorted) {
        System.out.printf(Locale.ROOT, "%-58s p50 %6.2f ms  p99 %6.2f ms  (%d requests)%n", what,
                sorted[sorted.length / 2], sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)],
                sorted.length);
    }

    private void createTopics() throws Exception {
        TopicLayout.create(broker.bootstrapServers(), TOPICS, List.of(METRICS), 6);
    }

    private <T extends org.apache.avro.specific.SpecificRecord> void publish(String topic, String key, T value) {
        GdsAvroSerializer<T> serializer = new GdsAvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", REGISTRY), false);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key, serializer.serialize(topic, value)));
        }
    }

    private void produceAlerts(int from, int to) {
        GdsAvroSerializer<Metric> serializer = new GdsAvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", REGISTRY), false);
        Instant at = Instant.now().minusSeconds(5);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, 10), new StringSerializer(), new ByteArraySerializer())) {
            for (int i = from; i < to; i++) {
                String instance = "db-" + i;
                Metric metric = Metric.newBuilder().setTimestamp(at).setDatabaseType("postgresql").setInstanceId(instance)
                        .setMetricName("bench_metric").setValue(1).setTags(Map.of("environment", "prod"))
                        .setMetadata(new MetricMetadata(1L, "bench", "c")).build();
                producer.send(new ProducerRecord<>(METRICS, instance, serializer.serialize(METRICS, metric)));
            }
        }
    }

    private ApplicationContext service(Path state) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Map<String, Object> props = new HashMap<>();
        props.put("micronaut.server.port", port);
        props.put("micronaut.security.enabled", false);
        props.put("gds.alerting.advertised-address", "localhost:" + port);
        props.put("gds.alerting.state-dir", state.toString());
        props.put("gds.serde.schema.registry.url", REGISTRY);
        props.put("kafka.bootstrap.servers", broker.bootstrapServers());
        props.put("kafka.session.timeout.ms", "6000");
        props.put("kafka.heartbeat.interval.ms", "1000");
        // Queries are measured here, not notifications: the dispatcher's log sink would write every alert.
        props.put("gds.dispatcher.enabled", false);
        return ApplicationContext.run(EmbeddedServer.class, props).getApplicationContext();
    }

    private void awaitReady(ApplicationContext context) throws Exception {
        String url = context.getBean(EmbeddedServer.class).getURL() + "/health/readiness";
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (get(url) != 200) {
            if (System.nanoTime() > deadline) {
                throw new IOException("not ready after 10 minutes");
            }
            Thread.sleep(20);
        }
    }

    private void awaitTotal(ApplicationContext context, int total) throws Exception {
        String url = context.getBean(EmbeddedServer.class).getURL() + "/api/v1/alerts?limit=1";
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (true) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200 && response.body().contains("\"total\":" + total + ",")) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("never saw " + total + " alerts: " + response.body());
            }
            Thread.sleep(200);
        }
    }
}
