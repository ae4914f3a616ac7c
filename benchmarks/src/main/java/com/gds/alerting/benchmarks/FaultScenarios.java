package com.gds.alerting.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.sun.net.httpserver.HttpServer;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.Comparison;
import com.gds.alerting.avro.Condition;
import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.MetricMetadata;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.RuleKind;
import com.gds.alerting.avro.Selector;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.serde.AvroClassTrust;
import com.gds.alerting.avro.serde.GdsAvroDeserializer;
import com.gds.alerting.avro.serde.GdsAvroSerializer;
import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.contract.GdsTopics;
import com.gds.alerting.contract.TopicLayout;
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;

/**
 * The reliability scenarios of docs/RELIABILITY.md that do not fit the CI budget, each with a PASS/FAIL verdict
 * (exit status 0 / 1). Everything runs on the in-process broker with the real service.
 *
 * <pre>
 * java -cp benchmarks/target/gds-benchmarks.jar com.gds.alerting.benchmarks.FaultScenarios --scenario 6 [--alerts 1000] [--rate 2000]
 *     [--session-timeout-ms 45000]
 * java -cp benchmarks/target/gds-benchmarks.jar com.gds.alerting.benchmarks.FaultScenarios --scenario 3 [--down-seconds 120] [--keys 50]
 * java -cp benchmarks/target/gds-benchmarks.jar com.gds.alerting.benchmarks.FaultScenarios --scenario 1 [--seconds 60] [--kill-at 20]
 *     [--restart-after 5] [--keys 200] [--rate 3000] [--service-jar streams-alerting/target/gds-streams-alerting.jar]
 * java -cp benchmarks/target/gds-benchmarks.jar com.gds.alerting.benchmarks.FaultScenarios --scenario 2 [--down-seconds 60]
 *     [--seconds 120] [--down-at 20] [--instances-per-type 250]
 * java -cp benchmarks/target/gds-benchmarks.jar com.gds.alerting.benchmarks.FaultScenarios --scenario 4 [--down-seconds 120]
 *     [--seconds 180] [--down-at 20] [--rate 5000]
 * </pre>
 * Scenario 2: the collectors' spool and forwarder (the agent's own classes) publish a synthetic fleet every second;
 * the broker stops for {@code --down-seconds} and starts again; the importer loads DuckDB throughout. Afterwards the
 * warehouse holds exactly one row per metric produced. Scenario 4: the warehouse refuses connections for
 * {@code --down-seconds} while metrics keep coming; afterwards it holds exactly one row per metric produced.
 * Scenario 1: the alerting service runs as its own process (the shaded jar), beside a reference process (another
 * application id, its own events topic) reading the same metrics; under load the first is killed with SIGKILL and
 * restarted on the same state directory. Afterwards its committed transitions per alert key equal the reference's
 * (none lost, none doubled, same message ids), every notification the sink received carries the message id of a
 * committed transition, and the alert states listed over REST equal the reference's.
 * Scenario 6: one of two alerting instances stops under load; the other serves every alert through the REST API
 * (list and per-key) — the time until it does is the rebalance time. Scenario 3: gds_notification is down for
 * {@code --down-seconds} while alerts fire and resolve; afterwards every notification is delivered, none dead-lettered,
 * in the order of {@code gds.alerts.events} per alert key.
 */
public final class FaultScenarios {

    private static final String REGISTRY = InMemorySchemaRegistry.SCHEME + "fault-scenarios";
    private static final GdsTopics TOPICS = GdsTopics.defaults();
    private static final String METRICS = TOPICS.metricsTopic("postgresql", "prod");
    private static final Pattern MESSAGE_ID = Pattern.compile("\"message_id\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern INSTANCE = Pattern.compile("\"db_instance_id\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern TOTAL = Pattern.compile("\"total\"\\s*:\\s*(\\d+)");

    private final Map<String, String> args;
    private final Path workDir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private EmbeddedKafkaBroker broker;

    private FaultScenarios(Map<String, String> args) {
        this.args = args;
        workDir = Path.of(args.getOrDefault("work-dir", "target/fault-scenarios")).toAbsolutePath();
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = BenchArgs.parse("FaultScenarios", argv,
                "scenario", "seconds", "down-at", "down-seconds",
                "instances-per-type", "rate", "kill-at", "restart-after", "keys",
                "service-jar", "alerts", "session-timeout-ms", "work-dir");
        boolean pass = new FaultScenarios(args).run(Integer.parseInt(args.getOrDefault("scenario", "6")));
        System.exit(pass ? 0 : 1);
    }

    private boolean run(int scenario) throws Exception {
        AvroClassTrust.install();
        Files.createDirectories(workDir);
        System.out.printf(Locale.ROOT, "scenario %d, load average at start: %s%n", scenario, PipelineBenchmark.loadAverage());
        ProcessCpu cpu = ProcessCpu.start();
        broker = EmbeddedKafkaBroker.builder().dataDir(Files.createTempDirectory(workDir, "broker")).build().start();
        try {
            TopicLayout.create(broker.bootstrapServers(), TOPICS, List.of(METRICS), 6);
            publishRule("fault", "m", 10);
            boolean pass = switch (scenario) {
                case 1 -> killNineUnderLoad();
                case 2 -> brokerStopped();
                case 4 -> warehouseUnavailable();
                case 3 -> notificationServiceDown();
                case 6 -> oneOfTwoInstancesStops();
                default -> throw new IllegalArgumentException("no scenario " + scenario + " here (1 to 4, or 6)");
            };
            System.out.printf(Locale.ROOT, "load average at end: %s%n", PipelineBenchmark.loadAverage());
            // A fault scenario's work is not a steady count of samples (child JVMs are not in it either): the whole run only.
            System.out.println("this JVM, whole scenario: " + cpu.summary());
            System.out.println("VERDICT scenario " + scenario + ": " + (pass ? "PASS" : "FAIL"));
            return pass;
        } finally {
            broker.close();
        }
    }

    // ---- scenarios 2 and 4 --------------------------------------------------------------------

    private boolean brokerStopped() throws Exception {
        int seconds = Integer.parseInt(args.getOrDefault("seconds", "120"));
        int downAt = Integer.parseInt(args.getOrDefault("down-at", "20"));
        int downSeconds = Integer.parseInt(args.getOrDefault("down-seconds", "60"));
        int perType = Integer.parseInt(args.getOrDefault("instances-per-type", "250"));
        com.gds.alerting.collectors.synthetic.SyntheticFleet fleet =
                new com.gds.alerting.collectors.synthetic.SyntheticFleet(new java.util.Random(42), perType, 0.01);
        List<String> topics = fleet.topicsUsed().stream().map(e -> TOPICS.metricsTopic(e.getKey(), e.getValue())).toList();
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(topics.stream().filter(t -> !t.equals(METRICS))
                    .map(t -> new org.apache.kafka.clients.admin.NewTopic(t, 6, (short) 1)).toList()).all().get(60, TimeUnit.SECONDS);
        }
        Path dw = Files.createTempDirectory(workDir, "dw").resolve("warehouse.duckdb");
        Set<String> produced = ConcurrentHashMap.newKeySet();
        Map<String, Object> producerProps = new HashMap<>();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        producerProps.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
        producerProps.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        producerProps.put("reconnect.backoff.max.ms", 1000);
        com.gds.alerting.importer.WarehouseImporter importer = importer(dw, null);
        long appended;
        com.gds.alerting.collectors.spool.SpoolForwarder forwarder;
        com.gds.alerting.collectors.spool.DiskSpool spool =
                new com.gds.alerting.collectors.spool.DiskSpool(Files.createTempDirectory(workDir, "spool"), 512L << 20);
        try (org.apache.kafka.common.serialization.Serde<Metric> serde = com.gds.alerting.avro.serde.AvroSerdes.valueSerde(
                Metric.class, Map.of("schema.registry.url", REGISTRY));
             com.gds.alerting.collectors.spool.AdminTopicProbe probe = new com.gds.alerting.collectors.spool.AdminTopicProbe(
                     producerProps, java.time.Duration.ofSeconds(5))) {
            // The agent's own probe and park delay: a stopped broker answers nothing, so nothing may be parked.
            forwarder = new com.gds.alerting.collectors.spool.SpoolForwarder(spool, new KafkaProducer<>(
                    com.gds.alerting.collectors.MetricPublisher.withSafeDefaults(producerProps), new StringSerializer(),
                    serde.serializer()), 1000, java.time.Clock.systemUTC(), probe, java.time.Duration.ofSeconds(30));
            forwarder.start();
            com.gds.alerting.collectors.agent.SpoolSink sink =
                    new com.gds.alerting.collectors.agent.SpoolSink(spool, TOPICS, java.time.Clock.systemUTC());
            long t0 = System.nanoTime();
            boolean stopped = false;
            boolean restarted = false;
            long deliveredAtStop = 0;
            long spooledPeak = 0;
            for (int cycle = 0; cycle < seconds; cycle++) {
                long due = t0 + TimeUnit.SECONDS.toNanos(cycle);
                while (System.nanoTime() < due) {
                    Thread.sleep(5);
                }
                if (!stopped && cycle >= downAt) {
                    broker.close();
                    stopped = true;
                    deliveredAtStop = forwarder.deliveredCount();
                    System.out.printf(Locale.ROOT, "t=%d s: broker stopped (%,d delivered so far)%n", cycle, deliveredAtStop);
                }
                if (stopped && !restarted && cycle >= downAt + downSeconds) {
                    spooledPeak = spool.appendedCount() - forwarder.deliveredCount();
                    broker.start();
                    restarted = true;
                    System.out.printf(Locale.ROOT, "t=%d s: broker started again; %,d records waiting in the spool, %,d delivered "
                            + "while it was down%n", cycle, spooledPeak, forwarder.deliveredCount() - deliveredAtStop);
                }
                List<Metric> metrics = fleet.cycle(Instant.now(), Duration.ofSeconds(1)).metrics();
                for (Metric m : metrics) {
                    produced.add(m.getInstanceId() + "|" + m.getMetricName() + "|" + m.getTimestamp().toEpochMilli());
                }
                sink.accept(metrics);
            }
            appended = spool.appendedCount();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (forwarder.deliveredCount() < appended && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            System.out.printf(Locale.ROOT, "spool: %,d appended, %,d delivered, %,d dropped; forwarder dropped %,d%n", appended,
                    forwarder.deliveredCount(), spool.droppedCount(), forwarder.droppedCount());
            awaitImporterCaughtUp(topics);
            boolean exact = finishAndCount(importer, dw, produced.size());
            boolean nothingDropped = spool.droppedCount() == 0 && forwarder.droppedCount() == 0 && forwarder.parkedCount() == 0
                    && forwarder.deliveredCount() == appended;
            forwarder.close();
            return exact && nothingDropped && spooledPeak > 0;
        } finally {
            spool.close();
        }
    }

    private boolean warehouseUnavailable() throws Exception {
        int seconds = Integer.parseInt(args.getOrDefault("seconds", "180"));
        int downAt = Integer.parseInt(args.getOrDefault("down-at", "20"));
        int downSeconds = Integer.parseInt(args.getOrDefault("down-seconds", "120"));
        int rate = Integer.parseInt(args.getOrDefault("rate", "5000"));
        Path dw = Files.createTempDirectory(workDir, "dw").resolve("warehouse.duckdb");
        AtomicBoolean down = new AtomicBoolean();
        // DuckDB has no server to stop: while "down", opening a connection and every call on an open one fails the way
        // a lost network connection does (as dw-importer's SwitchableConnections in its tests); the file is untouched.
        com.gds.alerting.importer.WarehouseImporter importer = importer(dw, () -> {
            failIfDown(down);
            java.sql.Connection real = java.sql.DriverManager.getConnection("jdbc:duckdb:" + dw);
            return (java.sql.Connection) java.lang.reflect.Proxy.newProxyInstance(java.sql.Connection.class.getClassLoader(),
                    new Class<?>[] {java.sql.Connection.class}, (proxy, method, methodArgs) -> {
                        if (!method.getName().equals("close") && !method.getName().equals("isClosed")) {
                            failIfDown(down);
                        }
                        try {
                            return method.invoke(real, methodArgs);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        });
        GdsAvroSerializer<Metric> serializer = serializer();
        long produced = 0;
        try (KafkaProducer<String, byte[]> producer = producer()) {
            long t0 = System.nanoTime();
            long end = t0 + TimeUnit.SECONDS.toNanos(seconds);
            long now;
            long committedAtDown = -1;
            while ((now = System.nanoTime()) < end) {
                double t = (now - t0) / 1e9;
                if (!down.get() && committedAtDown < 0 && t >= downAt) {
                    down.set(true);
                    committedAtDown = importer.metrics().metricRowsLoaded();
                    System.out.printf(Locale.ROOT, "t=%.0f s: warehouse down (%,d rows loaded so far)%n", t, committedAtDown);
                }
                if (down.get() && t >= downAt + downSeconds) {
                    down.set(false);
                    System.out.printf(Locale.ROOT, "t=%.0f s: warehouse back; %,d rows loaded meanwhile, %d failed attempts, "
                            + "state %s%n", t, importer.metrics().metricRowsLoaded() - committedAtDown,
                            importer.metrics().failedAttempts(), importer.metrics().state());
                }
                long due = (long) ((now - t0) / 1e9 * rate);
                for (; produced < due; produced++) {
                    // One sample per (instance, metric, second): each is one fact row.
                    String instance = "db-" + (produced % 1000);
                    Metric metric = Metric.newBuilder().setTimestamp(Instant.ofEpochMilli(1_700_000_000_000L + produced))
                            .setDatabaseType("postgresql").setInstanceId(instance).setMetricName("m_" + (produced % 7))
                            .setValue(produced % 100).setTags(Map.of("environment", "prod"))
                            .setMetadata(new MetricMetadata(1L, "fault", "c")).build();
                    producer.send(new ProducerRecord<>(METRICS, instance, serializer.serialize(METRICS, metric)));
                }
                Thread.sleep(5);
            }
        }
        System.out.printf(Locale.ROOT, "produced %,d metrics at %,d/s for %d s%n", produced, rate, seconds);
        awaitImporterCaughtUp(List.of(METRICS));
        return finishAndCount(importer, dw, produced);
    }

    private static void failIfDown(AtomicBoolean down) throws java.sql.SQLException {
        if (down.get()) {
            throw new java.sql.SQLTransientConnectionException("connection lost (reliability scenario 4: warehouse unavailable)",
                    "08006");
        }
    }

    private com.gds.alerting.importer.WarehouseImporter importer(Path dw, com.gds.alerting.importer.warehouse.ConnectionFactory connections) {
        Map<String, String> settings = new HashMap<>();
        settings.put("kafka.bootstrap.servers", broker.bootstrapServers());
        settings.put("schema.registry.url", REGISTRY);
        settings.put("warehouse.url", "jdbc:duckdb:" + dw);
        settings.put("importer.http.port", "0");
        com.gds.alerting.importer.WarehouseImporter.Builder builder = com.gds.alerting.importer.WarehouseImporter.builder(
                com.gds.alerting.importer.ImporterConfig.parse(settings, "fault scenario", System::getenv));
        if (connections != null) {
            builder.connections(connections);
        }
        return builder.start();
    }

    /** Waits until the importer's committed offsets reach the end of {@code topics} (at most 5 min). */
    private void awaitImporterCaughtUp(List<String> topics) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> specs = new HashMap<>();
            for (String topic : topics) {
                for (var info : admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions()) {
                    specs.put(new org.apache.kafka.common.TopicPartition(topic, info.partition()),
                            org.apache.kafka.clients.admin.OffsetSpec.latest());
                }
            }
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            long lag;
            do {
                Map<org.apache.kafka.common.TopicPartition, Long> ends = new HashMap<>();
                admin.listOffsets(specs).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp, info.offset()));
                var committed = admin.listConsumerGroupOffsets(com.gds.alerting.importer.ImporterConfig.DEFAULT_GROUP)
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                lag = 0;
                for (var end : ends.entrySet()) {
                    var c = committed.get(end.getKey());
                    lag += end.getValue() - (c == null ? 0 : c.offset());
                }
                if (lag > 0) {
                    Thread.sleep(200);
                }
            } while (lag > 0 && System.nanoTime() < deadline);
            System.out.printf(Locale.ROOT, "importer lag at the end: %d%n", lag);
        }
    }

    /** Stops the importer and counts the fact rows in the DuckDB file (one writer: the importer must be closed first). */
    private static boolean finishAndCount(com.gds.alerting.importer.WarehouseImporter importer, Path dw, long expected)
            throws Exception {
        long dead = importer.metrics().deadLettered();
        importer.close();
        long rows;
        long distinct;
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:" + dw);
                java.sql.Statement st = c.createStatement()) {
            try (java.sql.ResultSet rs = st.executeQuery("SELECT COUNT(*), COUNT(DISTINCT (ts, instance_key, metric_key)) FROM fact_metric")) {
                rs.next();
                rows = rs.getLong(1);
                distinct = rs.getLong(2);
            }
        }
        System.out.printf(Locale.ROOT, "warehouse: %,d fact_metric rows (%,d distinct keys), %,d metrics produced, %d dead letters: %s%n",
                rows, distinct, expected, dead, rows == expected && distinct == expected ? "exactly the produced rows" : "MISMATCH");
        return rows == expected && distinct == expected && dead == 0;
    }

    // ---- scenario 1 ---------------------------------------------------------------------------

    private boolean killNineUnderLoad() throws Exception {
        int seconds = Integer.parseInt(args.getOrDefault("seconds", "60"));
        int killAt = Integer.parseInt(args.getOrDefault("kill-at", "20"));
        int restartAfter = Integer.parseInt(args.getOrDefault("restart-after", "5"));
        int keys = Integer.parseInt(args.getOrDefault("keys", "200"));
        int rate = Integer.parseInt(args.getOrDefault("rate", "3000"));
        Path jar = Path.of(args.getOrDefault("service-jar", "streams-alerting/target/gds-streams-alerting.jar")).toAbsolutePath();
        String referenceEvents = TOPICS.events() + ".reference";
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(referenceEvents, 6, (short) 1)))
                    .all().get(60, TimeUnit.SECONDS);
        }
        List<String> delivered = new CopyOnWriteArrayList<>();
        HttpServer sink = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        sink.setExecutor(Executors.newFixedThreadPool(4));
        sink.createContext("/ingest", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                delivered.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        sink.start();
        try (com.gds.alerting.localstack.SchemaRegistryHttpServer registry = new com.gds.alerting.localstack.SchemaRegistryHttpServer(
                InMemorySchemaRegistry.forScope(REGISTRY.substring(InMemorySchemaRegistry.SCHEME.length())), 0)) {
            Path crashState = Files.createTempDirectory(workDir, "state-crash");
            int crashPort = freePort();
            int referencePort = freePort();
            Map<String, String> crashProps = new LinkedHashMap<>();
            crashProps.put("gds.alerting.application-id", "gds-alerting");
            crashProps.put("gds.dispatcher.base-url", "http://127.0.0.1:" + sink.getAddress().getPort());
            crashProps.put("gds.dispatcher.auto-offset-reset", "earliest");
            crashProps.put("gds.dispatcher.storm-enabled", "false");
            // The verdict counts the notifications of the events topic: no watchdog beats or self-alerts in the sink.
            crashProps.put("gds.watchdog.enabled", "false");
            crashProps.put("gds.self-monitor.enabled", "false");
            Map<String, String> referenceProps = new LinkedHashMap<>();
            referenceProps.put("gds.alerting.application-id", "gds-alerting-reference");
            referenceProps.put("gds.topics.events", referenceEvents);
            referenceProps.put("gds.dispatcher.enabled", "false");
            referenceProps.put("gds.watchdog.enabled", "false");
            referenceProps.put("gds.self-monitor.enabled", "false");
            Process reference = launch(jar, "reference", referencePort, Files.createTempDirectory(workDir, "state-reference"),
                    registry.url(), referenceProps);
            Process crash = launch(jar, "crash-1", crashPort, crashState, registry.url(), crashProps);
            try {
                awaitReady("http://localhost:" + referencePort, reference);
                awaitReady("http://localhost:" + crashPort, crash);
                System.out.printf(Locale.ROOT, "service processes: crash pid %d, reference pid %d%n", crash.pid(), reference.pid());

                // Load: healthy samples of a fleet, plus `keys` instances flapping between breach and health every cycle,
                // in event time 1 s apart per key: each cycle is a transition (FIRED or RESOLVED) per flapping key.
                AtomicBoolean stop = new AtomicBoolean();
                AtomicLong producedCount = new AtomicLong();
                Thread load = new Thread(() -> flappingLoad(rate, keys, stop, producedCount), "scenario-load");
                long t0 = System.nanoTime();
                load.start();
                Thread.sleep(TimeUnit.SECONDS.toMillis(killAt));
                long pid = crash.pid();
                new ProcessBuilder("kill", "-KILL", Long.toString(pid)).inheritIO().start().waitFor();
                crash.waitFor(30, TimeUnit.SECONDS);
                System.out.printf(Locale.ROOT, "t=%.1f s: kill -9 %d (exit %d)%n", (System.nanoTime() - t0) / 1e9, pid, crash.exitValue());
                Thread.sleep(TimeUnit.SECONDS.toMillis(restartAfter));
                crash = launch(jar, "crash-2", crashPort, crashState, registry.url(), crashProps);
                System.out.printf(Locale.ROOT, "t=%.1f s: restarted as pid %d on the same state directory%n",
                        (System.nanoTime() - t0) / 1e9, crash.pid());
                awaitReady("http://localhost:" + crashPort, crash);
                System.out.printf(Locale.ROOT, "t=%.1f s: ready again%n", (System.nanoTime() - t0) / 1e9);
                long peakRss = 0;
                long peakReferenceRss = 0;
                while (System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(seconds)) {
                    peakRss = Math.max(peakRss, rssBytes(crash.pid()));
                    peakReferenceRss = Math.max(peakReferenceRss, rssBytes(reference.pid()));
                    Thread.sleep(200);
                }
                stop.set(true);
                load.join();

                System.out.printf(Locale.ROOT, "produced %,d metrics in %d s%n", producedCount.get(), seconds);

                awaitCaughtUp("gds-alerting");
                awaitCaughtUp("gds-alerting-reference");
                peakRss = Math.max(peakRss, rssBytes(crash.pid()));
                peakReferenceRss = Math.max(peakReferenceRss, rssBytes(reference.pid()));
                System.out.printf(Locale.ROOT, "service process RSS (-Xmx512m): restarted process %d MiB, reference process %d MiB "
                        + "(peak of the samples after the restart)%n", peakRss >> 20, peakReferenceRss >> 20);
                List<AlertEvent> crashed = readAllEvents(TOPICS.events());
                List<AlertEvent> referenceEventsRead = readAllEvents(referenceEvents);
                Map<String, List<String>> crashedByKey = transitionsByKey(crashed);
                Map<String, List<String>> referenceByKey = transitionsByKey(referenceEventsRead);
                boolean sameTransitions = crashedByKey.equals(referenceByKey);
                Set<String> committedIds = ConcurrentHashMap.newKeySet();
                crashed.forEach(e -> committedIds.add(e.getMessageId()));
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
                while (!distinctIds(delivered).containsAll(committedIds) && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                Set<String> deliveredIds = distinctIds(delivered);
                Set<String> foreign = new java.util.TreeSet<>(deliveredIds);
                foreign.removeAll(committedIds);
                boolean everyDelivered = deliveredIds.containsAll(committedIds);
                Map<String, String> crashState2 = states("http://localhost:" + crashPort);
                Map<String, String> referenceState = states("http://localhost:" + referencePort);
                boolean sameState = crashState2.equals(referenceState);
                System.out.printf(Locale.ROOT, "committed transitions: crashed run %d, reference %d, equal per key: %s%n", crashed.size(),
                        referenceEventsRead.size(), sameTransitions);
                System.out.printf(Locale.ROOT, "notifications: %d POSTs, %d distinct message ids; every committed transition notified: %s; "
                        + "ids that are not a committed transition's: %d %s%n", delivered.size(), deliveredIds.size(), everyDelivered,
                        foreign.size(), foreign.stream().limit(5).toList());
                System.out.printf(Locale.ROOT, "alert states over REST: crashed run %d alerts, reference %d, equal: %s%n",
                        crashState2.size(), referenceState.size(), sameState);
                if (!sameTransitions) {
                    crashedByKey.keySet().stream().filter(k -> !crashedByKey.get(k).equals(referenceByKey.get(k))).limit(3)
                            .forEach(k -> System.out.println("  " + k + ": " + crashedByKey.get(k) + " vs " + referenceByKey.get(k)));
                }
                return sameTransitions && everyDelivered && foreign.isEmpty() && sameState && !crashed.isEmpty();
            } finally {
                stopProcess(crash);
                stopProcess(reference);
            }
        } finally {
            sink.stop(0);
        }
    }

    private void flappingLoad(int rate, int keys, AtomicBoolean stop, AtomicLong produced) {
        GdsAvroSerializer<Metric> serializer = serializer();
        Instant base = Instant.now().minusSeconds(3600);
        try (KafkaProducer<String, byte[]> producer = producer()) {
            long start = System.nanoTime();
            long sent = 0;
            int cycle = 0;
            long nextCycle = start;
            while (!stop.get()) {
                long now = System.nanoTime();
                if (now >= nextCycle) {
                    for (int k = 0; k < keys; k++) {
                        send(producer, serializer, "flap-" + k, cycle % 2 == 0 ? 50 : 1, base.plusSeconds(cycle));
                        produced.incrementAndGet();
                    }
                    cycle++;
                    nextCycle += TimeUnit.MILLISECONDS.toNanos(500);
                }
                long due = (long) ((now - start) / 1e9 * rate);
                for (; sent < due; sent++) {
                    send(producer, serializer, "healthy-" + (sent % 5000), 1, Instant.now());
                    produced.incrementAndGet();
                }
                Thread.sleep(5);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Map<String, List<String>> transitionsByKey(List<AlertEvent> events) {
        Map<String, List<String>> byKey = new TreeMap<>();
        for (AlertEvent e : events) {
            byKey.computeIfAbsent(e.getAlertKey(), k -> new ArrayList<>())
                    .add(e.getIncident() + "/" + e.getTransition() + "/" + e.getMessageId());
        }
        return byKey;
    }

    /** Every alert's state and incident, from GET /api/v1/alerts with every state. */
    private Map<String, String> states(String url) throws Exception {
        HttpResponse<String> response = get(url + "/api/v1/alerts?state=pending,firing,acknowledged,resolved&limit=1000");
        Map<String, String> states = new TreeMap<>();
        for (com.fasterxml.jackson.databind.JsonNode item : new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body())
                .path("items")) {
            states.put(item.path("alert_key").asText(), item.path("state").asText() + "/" + item.path("incident").asText());
        }
        if (states.isEmpty()) {
            throw new IOException("no alerts listed by " + url + ": " + response.statusCode() + " " + response.body());
        }
        return states;
    }

    /** Waits until the application's committed offsets on the metrics topic reach its end (at most 3 min). */
    private void awaitCaughtUp(String group) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> specs = new HashMap<>();
            for (int p = 0; p < 6; p++) {
                specs.put(new org.apache.kafka.common.TopicPartition(METRICS, p), org.apache.kafka.clients.admin.OffsetSpec.latest());
            }
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (true) {
                Map<org.apache.kafka.common.TopicPartition, Long> ends = new HashMap<>();
                admin.listOffsets(specs).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp, info.offset()));
                var committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                long lag = 0;
                for (var end : ends.entrySet()) {
                    var c = committed.get(end.getKey());
                    lag += end.getValue() - (c == null ? 0 : c.offset());
                }
                if (lag == 0) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException(group + " still " + lag + " records behind after 3 minutes");
                }
                Thread.sleep(200);
            }
        }
    }

    private List<AlertEvent> readAllEvents(String topic) {
        GdsAvroDeserializer<AlertEvent> deserializer = new GdsAvroDeserializer<>(AlertEvent.class);
        deserializer.configure(Map.of("schema.registry.url", REGISTRY), false);
        List<AlertEvent> events = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : readCommitted(topic, Integer.MAX_VALUE)) {
            events.add(deserializer.deserialize(r.topic(), r.value()));
        }
        return events;
    }

    private Process launch(Path jar, String name, int port, Path state, String registryUrl, Map<String, String> extra)
            throws IOException {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("micronaut.security.enabled", "false");
        props.put("gds.alerting.advertised-address", "localhost:" + port);
        props.put("gds.alerting.state-dir", state.toString());
        props.put("gds.serde.schema.registry.url", registryUrl);
        props.put("kafka.bootstrap.servers", broker.bootstrapServers());
        props.putAll(extra);
        return ServiceProcess.launch(jar, List.of("-Xmx512m"), props, port, workDir.resolve(name + ".log")).process();
    }

    private void awaitReady(String url, Process process) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (get(url + "/health/readiness").statusCode() != 200) {
            if (!process.isAlive()) {
                throw new IOException("service process " + process.pid() + " exited with " + process.exitValue());
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(url + " not ready after 3 minutes");
            }
            Thread.sleep(100);
        }
    }

    private static void stopProcess(Process process) throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** The resident set of process {@code pid} (from /proc), 0 when it cannot be read (the process is gone). */
    private static long rssBytes(long pid) {
        try {
            return ProcStat.rssBytes(pid);
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    // ---- scenario 6 ---------------------------------------------------------------------------

    private boolean oneOfTwoInstancesStops() throws Exception {
        int alerts = Integer.parseInt(args.getOrDefault("alerts", "1000"));
        int rate = Integer.parseInt(args.getOrDefault("rate", "2000"));
        String sessionTimeout = args.get("session-timeout-ms");
        ApplicationContext a = service(Files.createTempDirectory(workDir, "state-a"), null, sessionTimeout);
        ApplicationContext b = service(Files.createTempDirectory(workDir, "state-b"), null, sessionTimeout);
        String urlB = b.getBean(EmbeddedServer.class).getURL().toString();
        try (KafkaProducer<String, byte[]> producer = producer()) {
            GdsAvroSerializer<Metric> serializer = serializer();
            Instant at = Instant.now().minusSeconds(30);
            for (int i = 0; i < alerts; i++) {
                send(producer, serializer, "db-" + i, 50, at);
            }
        }
        awaitTotal(urlB, alerts, TimeUnit.MINUTES.toNanos(3));
        System.out.printf(Locale.ROOT, "both instances up, %d alerts listed through B%n", alerts);

        // Healthy samples of other instances keep the topology busy while A goes.
        AtomicBoolean stop = new AtomicBoolean();
        Thread load = new Thread(() -> steadyLoad(rate, stop), "scenario-load");
        load.start();
        Thread.sleep(5000);
        long t0 = System.nanoTime();
        a.close();
        double stopped = (System.nanoTime() - t0) / 1e9;
        Map<Integer, Integer> statuses = new TreeMap<>();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        double listed = -1;
        double everyKey = -1;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> list = get(urlB + "/api/v1/alerts?limit=1");
            statuses.merge(list.statusCode(), 1, Integer::sum);
            if (listed < 0 && list.statusCode() == 200 && total(list.body()) == alerts) {
                listed = (System.nanoTime() - t0) / 1e9;
            }
            if (listed >= 0) {
                int served = 0;
                for (int i = 0; i < alerts; i++) {
                    HttpResponse<String> one = get(urlB + "/api/v1/alerts/fault:db-" + i + ":m");
                    statuses.merge(one.statusCode(), 1, Integer::sum);
                    if (one.statusCode() != 200) {
                        break;
                    }
                    served++;
                }
                if (served == alerts) {
                    everyKey = (System.nanoTime() - t0) / 1e9;
                    break;
                }
            }
            Thread.sleep(100);
        }
        stop.set(true);
        load.join();
        b.close();
        System.out.printf(Locale.ROOT, "A closed in %.1f s; B listed all %d alerts %.1f s after A began to stop, "
                + "answered GET for every key after %.1f s; session.timeout.ms %s; HTTP statuses seen %s%n", stopped, alerts, listed,
                everyKey, sessionTimeout == null ? "default (45000)" : sessionTimeout, statuses);
        boolean noServerError = statuses.keySet().stream().allMatch(s -> s == 200 || s == 503);
        return everyKey >= 0 && noServerError;
    }

    private void steadyLoad(int rate, AtomicBoolean stop) {
        GdsAvroSerializer<Metric> serializer = serializer();
        try (KafkaProducer<String, byte[]> producer = producer()) {
            long start = System.nanoTime();
            long sent = 0;
            while (!stop.get()) {
                long due = (long) ((System.nanoTime() - start) / 1e9 * rate);
                for (; sent < due; sent++) {
                    send(producer, serializer, "load-" + (sent % 5000), 1, Instant.now());
                }
                Thread.sleep(5);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- scenario 3 ---------------------------------------------------------------------------

    private boolean notificationServiceDown() throws Exception {
        int downSeconds = Integer.parseInt(args.getOrDefault("down-seconds", "120"));
        int keys = Integer.parseInt(args.getOrDefault("keys", "50"));
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ApplicationContext service = service(Files.createTempDirectory(workDir, "state"), "http://127.0.0.1:" + port, null);
        List<String> delivered = new CopyOnWriteArrayList<>();
        try {
            long t0 = System.nanoTime();
            // Each key: FIRED, RESOLVED, FIRED (incident 2), RESOLVED; the cycles spread over the first half of the outage.
            int cycles = 4;
            Instant base = Instant.now().minusSeconds(600);
            GdsAvroSerializer<Metric> serializer = serializer();
            try (KafkaProducer<String, byte[]> producer = producer()) {
                for (int c = 0; c < cycles; c++) {
                    for (int k = 0; k < keys; k++) {
                        send(producer, serializer, "db-" + k, c % 2 == 0 ? 50 : 1, base.plusSeconds(10L * c));
                    }
                    producer.flush();
                    Thread.sleep(TimeUnit.SECONDS.toMillis(downSeconds) / 2 / cycles);
                }
            }
            int expected = keys * cycles;
            while (System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(downSeconds)) {
                Thread.sleep(200);
            }
            System.out.printf(Locale.ROOT, "gds_notification down for %d s; starting it on port %d%n", downSeconds, port);
            long up = System.nanoTime();
            HttpServer sink = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 128);
            sink.setExecutor(Executors.newFixedThreadPool(4));
            sink.createContext("/ingest", exchange -> {
                try (InputStream in = exchange.getRequestBody()) {
                    delivered.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            sink.start();
            try {
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
                while (distinctIds(delivered).size() < expected && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                double allIn = (System.nanoTime() - up) / 1e9;
                Thread.sleep(3000); // anything extra would show now
                List<AlertEvent> events = readEvents(expected);
                int deadLetters = countRecords(TOPICS.dlqNotifications());
                Set<String> ids = distinctIds(delivered);
                boolean everyEvent = events.stream().allMatch(e -> ids.contains(e.getMessageId()));
                boolean orderKept = orderPerKey(events, delivered);
                System.out.printf(Locale.ROOT, "events on %s: %d; notifications delivered: %d POSTs, %d distinct message ids "
                        + "(all within %.1f s of the sink returning); every event delivered: %s; gds.dlq.notifications: %d; "
                        + "order per key kept: %s%n", TOPICS.events(), events.size(), delivered.size(), ids.size(), allIn,
                        everyEvent, deadLetters, orderKept);
                return events.size() == expected && everyEvent && ids.size() == expected && deadLetters == 0 && orderKept;
            } finally {
                sink.stop(0);
            }
        } finally {
            service.close();
        }
    }

    private static Set<String> distinctIds(List<String> bodies) {
        Set<String> ids = ConcurrentHashMap.newKeySet();
        for (String body : bodies) {
            Matcher m = MESSAGE_ID.matcher(body);
            if (m.find()) {
                ids.add(m.group(1));
            }
        }
        return ids;
    }

    /** The first delivery of each message id, per instance, is in the order of the events topic. */
    private static boolean orderPerKey(List<AlertEvent> events, List<String> delivered) {
        Map<String, List<String>> expected = new LinkedHashMap<>();
        for (AlertEvent e : events) {
            expected.computeIfAbsent(e.getInstanceId(), k -> new ArrayList<>()).add(e.getMessageId());
        }
        Map<String, List<String>> actual = new LinkedHashMap<>();
        for (String body : delivered) {
            Matcher id = MESSAGE_ID.matcher(body);
            Matcher instance = INSTANCE.matcher(body);
            if (id.find() && instance.find()) {
                List<String> ids = actual.computeIfAbsent(instance.group(1), k -> new ArrayList<>());
                if (!ids.contains(id.group(1))) {
                    ids.add(id.group(1));
                }
            }
        }
        return expected.equals(actual);
    }

    // ---- helpers ------------------------------------------------------------------------------

    private ApplicationContext service(Path state, String notificationUrl, String sessionTimeoutMs) throws Exception {
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
        if (sessionTimeoutMs != null) {
            props.put("kafka.session.timeout.ms", sessionTimeoutMs);
            props.put("kafka.heartbeat.interval.ms", String.valueOf(Math.max(500, Integer.parseInt(sessionTimeoutMs) / 6)));
        }
        // The verdicts count the notifications and alerts of the scenario's own events: no watchdog, no self-alerts.
        props.put("gds.watchdog.enabled", false);
        props.put("gds.self-monitor.enabled", false);
        if (notificationUrl == null) {
            props.put("gds.dispatcher.enabled", false);
        } else {
            props.put("gds.dispatcher.base-url", notificationUrl);
            props.put("gds.dispatcher.auto-offset-reset", "earliest");
            props.put("gds.dispatcher.storm-enabled", false);
        }
        ApplicationContext context = ApplicationContext.run(EmbeddedServer.class, props).getApplicationContext();
        String ready = context.getBean(EmbeddedServer.class).getURL() + "/health/readiness";
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (get(ready).statusCode() != 200) {
            if (System.nanoTime() > deadline) {
                throw new IOException("service not ready after 3 minutes");
            }
            Thread.sleep(50);
        }
        return context;
    }

    private HttpResponse<String> get(String url) throws Exception {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new FailedResponse(url);
        }
    }

    private static int total(String body) {
        Matcher m = TOTAL.matcher(body);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private void awaitTotal(String url, int alerts, long timeoutNanos) throws Exception {
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            HttpResponse<String> response = get(url + "/api/v1/alerts?limit=1");
            if (response.statusCode() == 200 && total(response.body()) == alerts) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("never saw " + alerts + " alerts: " + response.body());
            }
            Thread.sleep(200);
        }
    }

    private void publishRule(String id, String metric, double threshold) throws Exception {
        GdsAvroSerializer<Rule> serializer = serializer();
        Rule rule = Rule.newBuilder().setRuleId(id).setKind(RuleKind.THRESHOLD).setSelector(new Selector(metric, List.of()))
                .setConditions(List.of(new Condition(Severity.CRITICAL, Comparison.GT, threshold, null))).build();
        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(TOPICS.rules(), id, serializer.serialize(TOPICS.rules(), rule))).get(60, TimeUnit.SECONDS);
        }
    }

    private static void send(KafkaProducer<String, byte[]> producer, GdsAvroSerializer<Metric> serializer, String instance,
            double value, Instant at) {
        Metric metric = Metric.newBuilder().setTimestamp(at).setDatabaseType("postgresql").setInstanceId(instance)
                .setMetricName("m").setValue(value).setTags(Map.of("environment", "prod"))
                .setMetadata(new MetricMetadata(1L, "fault", "c")).build();
        producer.send(new ProducerRecord<>(METRICS, instance, serializer.serialize(METRICS, metric)));
    }

    private List<AlertEvent> readEvents(int count) {
        GdsAvroDeserializer<AlertEvent> deserializer = new GdsAvroDeserializer<>(AlertEvent.class);
        deserializer.configure(Map.of("schema.registry.url", REGISTRY), false);
        List<AlertEvent> events = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : readCommitted(TOPICS.events(), count)) {
            events.add(deserializer.deserialize(r.topic(), r.value()));
        }
        return events;
    }

    private int countRecords(String topic) {
        return readCommitted(topic, Integer.MAX_VALUE).size();
    }

    /** Committed records of {@code topic}, read until {@code count} arrived or 20 s passed, then 2 s more. */
    private List<ConsumerRecord<String, byte[]>> readCommitted(String topic, int count) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "fault-" + System.nanoTime(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(count == Integer.MAX_VALUE ? 5 : 20);
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            long quiet = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() < quiet) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private <T extends org.apache.avro.specific.SpecificRecord> GdsAvroSerializer<T> serializer() {
        GdsAvroSerializer<T> serializer = new GdsAvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", REGISTRY), false);
        return serializer;
    }

    private KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** A request that got no answer at all (connection refused, timeout): status 0. */
    private record FailedResponse(String url) implements HttpResponse<String> {
        @Override
        public int statusCode() {
            return 0;
        }

        @Override
        public HttpRequest request() {
            return HttpRequest.newBuilder(URI.create(url)).build();
        }

        @Override
        public java.util.Optional<HttpResponse<String>> previousResponse() {
            return java.util.Optional.empty();
        }

        @Override
        public java.net.http.HttpHeaders headers() {
            return java.net.http.HttpHeaders.of(Map.of(), (a, b) -> true);
        }

        @Override
        public String body() {
            return "";
        }

        @Override
        public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
            return java.util.Optional.empty();
        }

        @Override
        public URI uri() {
            return URI.create(url);
        }

        @Override
        public HttpClient.Version version() {
            return HttpClient.Version.HTTP_1_1;
        }
    }
}
