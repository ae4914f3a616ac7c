package com.gds.alerting.benchmarks;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.Comparison;
import com.gds.alerting.avro.Condition;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.RuleKind;
import com.gds.alerting.avro.Selector;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.internal.AlertStatus;
import com.gds.alerting.avro.serde.AvroClassTrust;
import com.gds.alerting.avro.serde.GdsAvroSerializer;
import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.config.Durations;
import com.gds.alerting.contract.GdsTopics;
import com.gds.alerting.contract.TopicLayout;
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;
import com.gds.alerting.topologies.AlertingTopology;
import com.gds.alerting.topologies.serde.StoreSerde;

/**
 * The alert list of one service instance that holds a few open alerts and very many resolved ones
 * (issue 16, item 10), and how many resolved alerts the resolved retention leaves.
 *
 * <p>The alert states are written straight into the {@code alert-state} and {@code alert-open}
 * changelogs, in the store format the topology writes (so a million resolved alerts take a minute,
 * not two million metrics through the topology); the service restores them at startup. Phase 1
 * (resolved retention set far out of the way) times {@code GET /api/v1/alerts?limit=100} (the
 * default list: open alerts) and {@code ?state=resolved&limit=100}. Phase 2 starts a service
 * on a fresh state directory (restoring again) with {@code --retention} and a 100 ms tick and counts the resolved alerts it
 * still holds until the count reaches those resolved within the retention (or {@code --retention-wait}
 * passes: a release without retention keeps them all). Resolution times are spread evenly over
 * the last {@code --spread-days}.
 *
 * <pre>
 * java -Xmx3g -cp benchmarks/target/gds-benchmarks.jar com.gds.alerting.benchmarks.AlertListBenchmark \
 *     [--open 1000] [--resolved 1000000] [--requests 50] [--retention 7d (a duration: 36h, 1w, P7D, ...)] [--spread-days 14] [--retention-wait 300]
 * </pre>
 */
public final class AlertListBenchmark {

    private static final String REGISTRY = InMemorySchemaRegistry.SCHEME + "alert-list-bench";
    private static final GdsTopics TOPICS = GdsTopics.defaults();
    private static final String METRICS = TOPICS.metricsTopic("postgresql", "prod");
    private static final String APPLICATION_ID = "gds-alerting";
    private static final int PARTITIONS = 6;
    private static final Pattern TOTAL = Pattern.compile("\"total\":(\\d+)");

    private final int open;
    private final int resolved;
    private final int requests;
    private final String retention;
    private final int spreadDays;
    private final int retentionWaitSeconds;
    private final Path workDir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Requests sent so far (main thread only), for the CPU per request. */
    private long requestsMade;
    private EmbeddedKafkaBroker broker;

    private AlertListBenchmark(Map<String, String> args) {
        open = Integer.parseInt(args.getOrDefault("open", "1000"));
        resolved = Integer.parseInt(args.getOrDefault("resolved", "1000000"));
        requests = Integer.parseInt(args.getOrDefault("requests", "50"));
        retention = args.getOrDefault("retention", "7d");
        spreadDays = Integer.parseInt(args.getOrDefault("spread-days", "14"));
        retentionWaitSeconds = Integer.parseInt(args.getOrDefault("retention-wait", "300"));
        workDir = Path.of(args.getOrDefault("work-dir", "target/alert-list-bench")).toAbsolutePath();
    }

    public static void main(String[] argv) throws Exception {
        new AlertListBenchmark(BenchArgs.parse("AlertListBenchmark", argv, "open", "resolved", "requests", "retention",
                "spread-days", "retention-wait", "work-dir")).run();
    }

    private void run() throws Exception {
        AvroClassTrust.install();
        Files.createDirectories(workDir);
        broker = EmbeddedKafkaBroker.builder().dataDir(Files.createTempDirectory(workDir, "broker")).build().start();
        try {
            TopicLayout.create(broker.bootstrapServers(), TOPICS, List.of(METRICS), PARTITIONS);
            createChangelogs();
            publishRule();
            long now = System.currentTimeMillis();
            long t0 = System.nanoTime();
            int withinRetention = writeStates(now);
            double writeSeconds = (System.nanoTime() - t0) / 1e9;

            Path state = Files.createTempDirectory(workDir, "state");
            long t1 = System.nanoTime();
            ProcessCpu restoreCpu = ProcessCpu.start();
            ApplicationContext service = service(state, "3650d", "1s");
            String url = service.getBean(EmbeddedServer.class).getURL().toString();
            awaitTotal(url + "/api/v1/alerts?limit=1", open);
            double restoreSeconds = (System.nanoTime() - t1) / 1e9;
            String restoreCpuLine = restoreCpu.report(open + resolved, "states restored");
            ProcessCpu openCpu = ProcessCpu.start();
            long requestsBefore = requestsMade;
            double[] openList = time(url + "/api/v1/alerts?limit=100", requests);
            String openCpuLine = openCpu.report(requestsMade - requestsBefore, "requests");
            ProcessCpu resolvedCpu = ProcessCpu.start();
            requestsBefore = requestsMade;
            double[] resolvedList = time(url + "/api/v1/alerts?state=resolved&limit=100", Math.max(5, requests / 10));
            String resolvedCpuLine = resolvedCpu.report(requestsMade - requestsBefore, "requests");
            long heldBefore = total(url + "/api/v1/alerts?state=resolved&limit=1");
            service.close();

            long t2 = System.nanoTime();
            // A fresh state directory (restored from the changelogs again): the closed instance may
            // still hold the lock of its own for a moment.
            Path sweptState = Files.createTempDirectory(workDir, "state");
            ApplicationContext swept = service(sweptState, Durations.parse(retention).toMillis() + "ms", "100ms");
            String sweptUrl = swept.getBean(EmbeddedServer.class).getURL().toString();
            awaitTotal(sweptUrl + "/api/v1/alerts?limit=1", open);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(retentionWaitSeconds);
            long held = total(sweptUrl + "/api/v1/alerts?state=resolved&limit=1");
            while (held > withinRetention && System.nanoTime() < deadline) {
                Thread.sleep(1000);
                held = total(sweptUrl + "/api/v1/alerts?state=resolved&limit=1");
            }
            double sweepSeconds = (System.nanoTime() - t2) / 1e9;
            long openAfter = total(sweptUrl + "/api/v1/alerts?limit=1");
            swept.close();
            long stateBytes = sizeOf(sweptState);

            System.out.println();
            System.out.printf(Locale.ROOT, "states written to the changelogs: %,d open + %,d resolved in %.1f s%n", open, resolved,
                    writeSeconds);
            System.out.printf(Locale.ROOT, "service start until the %,d open alerts are listed (restore): %.1f s%n", open, restoreSeconds);
            print("GET /api/v1/alerts?limit=100 (open: " + open + ")", openList);
            print("GET /api/v1/alerts?state=resolved&limit=100 (" + heldBefore + ")", resolvedList);
            System.out.println("start until the open alerts are listed: " + restoreCpuLine + " (service and broker in this process)");
            System.out.println("open list, warm-ups included: " + openCpuLine);
            System.out.println("resolved list, warm-ups included: " + resolvedCpuLine);
            System.out.printf(Locale.ROOT, "resolved alerts held: %,d before the retention phase; %,d after it (%s retention, "
                    + "%,d resolved within it; %.1f s after the restart); open alerts after: %,d%n", heldBefore, held, retention,
                    withinRetention, sweepSeconds, openAfter);
            System.out.printf(Locale.ROOT, "state directory after the retention phase: %.1f MB (RocksDB frees deleted keys at compaction)%n",
                    stateBytes / 1e6);
        } finally {
            broker.close();
        }
    }

    private void createChangelogs() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(
                    changelog(AlertingTopology.Names.ALERT_STATE_STORE), changelog(AlertingTopology.Names.ALERT_OPEN_STORE)))
                    .all().get(1, TimeUnit.MINUTES);
        }
    }

    private static NewTopic changelog(String store) {
        return new NewTopic(APPLICATION_ID + "-" + store + "-changelog", PARTITIONS, (short) 1)
                .configs(Map.of("cleanup.policy", "compact"));
    }

    private void publishRule() {
        Rule rule = Rule.newBuilder().setRuleId("bench").setKind(RuleKind.THRESHOLD)
                .setSelector(new Selector("bench_metric", List.of()))
                .setConditions(List.of(new Condition(Severity.CRITICAL, Comparison.GT, 0.0, null))).build();
        GdsAvroSerializer<Rule> serializer = new GdsAvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", REGISTRY), false);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(TOPICS.rules(), "bench", serializer.serialize(TOPICS.rules(), rule)));
            // Straight into the accepted rules as well, so the global rule table holds the rule before
            // the stream threads start: a first tick before the intake passed it on would resolve
            // every restored open alert as RULE_DELETED.
            producer.send(new ProducerRecord<>(TOPICS.rulesAccepted(), "bench",
                    serializer.serialize(TOPICS.rulesAccepted(), rule)));
        }
    }

    /** Writes the states; returns how many resolved ones are within the retention phase's retention. */
    private int writeStates(long now) {
        StoreSerde<AlertStatus> serde = StoreSerde.of(AlertStatus.class);
        String stateTopic = APPLICATION_ID + "-" + AlertingTopology.Names.ALERT_STATE_STORE + "-changelog";
        String openTopic = APPLICATION_ID + "-" + AlertingTopology.Names.ALERT_OPEN_STORE + "-changelog";
        long spread = Duration.ofDays(spreadDays).toMillis();
        long retentionMs = Durations.parse(retention).toMillis();
        int within = 0;
        // One request in flight, no idempotence: on the fresh in-process broker an idempotent producer's
        // retried batches were refused as out of order and lost; a lost write is counted and fails the run.
        AtomicLong failed = new AtomicLong();
        Callback counted = (metadata, e) -> {
            if (e != null) {
                failed.incrementAndGet();
            }
        };
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 262_144,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < open; i++) {
                String instance = "db-" + i;
                AlertStatus s = status(instance, AlertState.FIRING, 1, now - 60_000);
                int partition = partitionOf(instance);
                producer.send(new ProducerRecord<>(stateTopic, partition, s.getAlertKey(), serde.encode(s)), counted);
                producer.send(new ProducerRecord<>(openTopic, partition, s.getAlertKey(), new byte[0]), counted);
            }
            for (int i = 0; i < resolved; i++) {
                String instance = "old-" + i;
                long resolvedAt = now - 60_000 - (long) ((double) i / resolved * spread);
                if (now - resolvedAt < retentionMs) {
                    within++;
                }
                AlertStatus s = status(instance, AlertState.RESOLVED, 3, resolvedAt);
                producer.send(new ProducerRecord<>(stateTopic, partitionOf(instance), s.getAlertKey(), serde.encode(s)), counted);
            }
            producer.flush();
        }
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " alert states were not written to the changelogs");
        }
        return within;
    }

    private static AlertStatus status(String instance, AlertState state, long incident, long at) {
        String key = "bench:" + instance + ":bench_metric";
        return AlertStatus.newBuilder().setAlertKey(key).setRuleId("bench").setInstanceId(instance)
                .setMetricName("bench_metric").setDatabaseType("postgresql").setEnvironment("prod")
                .setTags(Map.of("environment", "prod")).setState(state).setSeverity(Severity.CRITICAL).setIncident(incident)
                .setStartedAt(at - 600_000).setFiredAt(at - 600_000).setLastSampleAt(at).setUpdatedAt(at).setValue(1.0)
                .setThreshold(0.0).setSummary("[CRITICAL] " + instance + " bench_metric = 1 (threshold 0)")
                .setLabels(Map.of("instance_id", instance, "rule_id", "bench", "metric_name", "bench_metric")).build();
    }

    /** The partition the producers' default partitioner gives an instance's metrics (and so its alert state). */
    private static int partitionOf(String instance) {
        return Utils.toPositive(Utils.murmur2(instance.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    private ApplicationContext service(Path state, String resolvedRetention, String tick) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Map<String, Object> props = new HashMap<>();
        props.put("micronaut.server.port", port);
        props.put("micronaut.security.enabled", false);
        props.put("gds.alerting.advertised-address", "localhost:" + port);
        props.put("gds.alerting.application-id", APPLICATION_ID);
        props.put("gds.alerting.state-dir", state.toString());
        props.put("gds.alerting.resolved-retention", resolvedRetention);
        props.put("gds.alerting.punctuation-interval", tick);
        props.put("gds.serde.schema.registry.url", REGISTRY);
        props.put("kafka.bootstrap.servers", broker.bootstrapServers());
        props.put("gds.dispatcher.enabled", false);
        return ApplicationContext.run(EmbeddedServer.class, props).getApplicationContext();
    }

    private double[] time(String url, int n) throws Exception {
        for (int i = 0; i < Math.min(5, n); i++) {
            get(url);
        }
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            HttpResponse<String> response = get(url);
            ms[i] = (System.nanoTime() - start) / 1e6;
            if (response.statusCode() != 200) {
                throw new IOException("GET " + url + " answered " + response.statusCode() + ": " + response.body());
            }
        }
        Arrays.sort(ms);
        return ms;
    }

    private HttpResponse<String> get(String url) throws Exception {
        requestsMade++;
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(2)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private long total(String url) throws Exception {
        HttpResponse<String> response = get(url);
        Matcher m = TOTAL.matcher(response.body());
        if (response.statusCode() != 200 || !m.find()) {
            throw new IOException("GET " + url + " answered " + response.statusCode() + ": " + response.body());
        }
        return Long.parseLong(m.group(1));
    }

    /** Polls (until 15 minutes) until the list at {@code url} has {@code expected} in total. */
    private void awaitTotal(String url, long expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
        int polls = 0;
        while (true) {
            HttpResponse<String> response = get(url);
            Matcher m = TOTAL.matcher(response.body());
            if (response.statusCode() == 200 && m.find() && Long.parseLong(m.group(1)) == expected) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("never saw " + expected + " at " + url + ": " + response.body());
            }
            if (++polls % 150 == 0) {
                System.out.println("waiting for " + expected + " at " + url + ", now: " + response.statusCode() + " "
                        + response.body().substring(0, Math.min(300, response.body().length())));
            }
            Thread.sleep(200);
        }
    }

    private static void print(String what, double[] sorted) {
        System.out.printf(Locale.ROOT, "%-58s p50 %8.2f ms  p99 %8.2f ms  (%d requests)%n", what,
                sorted[sorted.length / 2], sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)],
                sorted.length);
    }

    private static long sizeOf(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
