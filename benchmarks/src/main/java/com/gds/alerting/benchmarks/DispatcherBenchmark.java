package com.gds.alerting.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.sun.net.httpserver.HttpServer;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.avro.serde.AvroClassTrust;
import com.gds.alerting.avro.serde.GdsAvroSerializer;
import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.contract.AlertKeys;
import com.gds.alerting.contract.GdsTopics;
import com.gds.alerting.contract.MessageIds;
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;

/**
 * Notifications per second through the real dispatcher (inside the service, its own consumer
 * group, the declarative HTTP client with keep-alive) into a fast local sink (the JDK's HTTP
 * server answering 204), and the latency from an event being written to its POST arriving.
 * Events are written at a steady rate so the latency is measured at that rate, not in a backlog.
 *
 * <pre>
 * java -cp benchmarks/target/gds-benchmarks.jar com.gds.alerting.benchmarks.DispatcherBenchmark [--events 30000] [--rate 2500]
 *     [--concurrency 8]   (gds.dispatcher.concurrency: parallel lanes, each a keep-alive connection)
 * </pre>
 */
public final class DispatcherBenchmark {

    private static final String REGISTRY = InMemorySchemaRegistry.SCHEME + "dispatcher-bench";
    private static final Pattern MESSAGE_ID = Pattern.compile("\"message_id\"\\s*:\\s*\"([^\"]+)\"");

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            args.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        int events = Integer.parseInt(args.getOrDefault("events", "30000"));
        int rate = Integer.parseInt(args.getOrDefault("rate", "2500"));
        AvroClassTrust.install();
        Path work = Files.createDirectories(Path.of("target", "dispatcher-bench")).toAbsolutePath();
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        Map<String, Long> receivedAt = new ConcurrentHashMap<>();
        int concurrency = Integer.parseInt(args.getOrDefault("concurrency", "8"));
        HttpServer sink = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        java.util.concurrent.ExecutorService sinkThreads = Executors.newFixedThreadPool(Math.max(8, concurrency));
        sink.setExecutor(sinkThreads);
        sink.createContext("/ingest", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                Matcher m = MESSAGE_ID.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                if (m.find()) {
                    receivedAt.putIfAbsent(m.group(1), System.nanoTime());
                }
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        sink.start();
        GdsTopics topics = GdsTopics.defaults();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(Files.createTempDirectory(work, "broker")).build().start()) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                List<NewTopic> list = new ArrayList<>();
                list.add(new NewTopic(topics.events(), 6, (short) 1));
                list.add(new NewTopic(topics.metricsTopic("postgresql", "prod"), 6, (short) 1));
                list.add(new NewTopic(topics.commands(), 6, (short) 1));
                for (String name : List.of(topics.rules(), topics.rulesAccepted(), topics.silences())) {
                    list.add(new NewTopic(name, 1, (short) 1).configs(Map.of("cleanup.policy", "compact")));
                }
                for (String name : List.of(topics.commandResults(), topics.dlqMetrics(), topics.dlqRules(), topics.dlqCommands(),
                        topics.dlqNotifications())) {
                    list.add(new NewTopic(name, 1, (short) 1));
                }
                admin.createTopics(list).all().get(60, TimeUnit.SECONDS);
            }
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            Map<String, Object> props = new HashMap<>();
            props.put("micronaut.server.port", port);
            props.put("micronaut.security.enabled", false);
            props.put("gds.alerting.advertised-address", "localhost:" + port);
            props.put("gds.alerting.state-dir", Files.createTempDirectory(work, "state").toString());
            props.put("gds.serde.schema.registry.url", REGISTRY);
            props.put("kafka.bootstrap.servers", broker.bootstrapServers());
            props.put("gds.dispatcher.base-url", "http://127.0.0.1:" + sink.getAddress().getPort());
            props.put("gds.dispatcher.auto-offset-reset", "earliest");
            props.put("gds.dispatcher.storm-enabled", false);
            props.put("gds.dispatcher.concurrency", concurrency);
            try (ApplicationContext service = ApplicationContext.run(EmbeddedServer.class, props).getApplicationContext()) {
                GdsAvroSerializer<AlertEvent> serializer = new GdsAvroSerializer<>();
                serializer.configure(Map.of("schema.registry.url", REGISTRY), false);
                long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
                long start = System.nanoTime();
                try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, 1), new StringSerializer(), new ByteArraySerializer())) {
                    for (int i = 0; i < events; i++) {
                        long due = start + i * intervalNanos;
                        while (System.nanoTime() < due) {
                            Thread.onSpinWait();
                        }
                        AlertEvent event = event(i);
                        sentAt.put(event.getMessageId(), System.nanoTime());
                        producer.send(new ProducerRecord<>(topics.events(), event.getAlertKey(),
                                serializer.serialize(topics.events(), event)));
                    }
                }
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
                while (receivedAt.size() < events && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                long end = receivedAt.values().stream().mapToLong(Long::longValue).max().orElse(start);
                double[] latencies = sentAt.entrySet().stream().filter(e -> receivedAt.containsKey(e.getKey()))
                        .mapToDouble(e -> (receivedAt.get(e.getKey()) - e.getValue()) / 1e6).sorted().toArray();
                System.out.println();
                System.out.printf(Locale.ROOT, "offered %,d events at %,d/s; delivered %,d in %.1f s = %,.0f notifications/s%n",
                        events, rate, receivedAt.size(), (end - start) / 1e9, receivedAt.size() / ((end - start) / 1e9));
                System.out.printf(Locale.ROOT, "event written -> POST received: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                        latencies[latencies.length / 2], latencies[(int) Math.ceil(latencies.length * 0.99) - 1],
                        latencies[latencies.length - 1]);
                if (receivedAt.size() < events) {
                    System.out.println("MISSING " + (events - receivedAt.size()) + " notifications");
                }
            }
        } finally {
            sink.stop(0);
            sinkThreads.shutdownNow();
        }
    }

    private static AlertEvent event(int i) {
        String instance = "db-" + (i % 5000);
        String rule = "bench-" + (i / 5000);
        String key = AlertKeys.of(rule, instance, "bench_metric");
        Instant now = Instant.now();
        return AlertEvent.newBuilder()
                .setMessageId(MessageIds.of(key, 1, Transition.FIRED.name(), i))
                .setAlertKey(key).setRuleId(rule).setInstanceId(instance).setMetricName("bench_metric")
                .setDatabaseType("postgresql").setEnvironment("prod").setSeverity(Severity.CRITICAL)
                .setState(AlertState.FIRING).setTransition(Transition.FIRED).setIncident(1).setReminderNumber(0)
                .setValue(42.0).setThreshold(30.0).setStartedAt(now).setUpdatedAt(now)
                .setSummary("[CRITICAL] " + instance + " bench_metric = 42").setLabels(Map.of("team", "dba"))
                .build();
    }
}
