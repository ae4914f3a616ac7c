package com.gds.alerting.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.sun.net.httpserver.HttpExchange;
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
import com.gds.alerting.contract.TopicLayout;
import com.gds.alerting.contract.MessageIds;
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;

/**
 * Notifications per second through the real dispatcher (inside the service, its own consumer
 * group, the HTTP client with keep-alive) into a fast local sink (the JDK's HTTP server answering
 * 204), and the latency from an event being written to its POST arriving.
 *
 * <p>Two phases. A warm-up, written the way the measured events will be (at the same rate, or at
 * once), whose events must all arrive before the measured phase starts: the dispatcher has joined
 * its group and the JIT has compiled the paths that mode uses, as in a service that has been up
 * for a while. On a 2-core machine C2 keeps compiling (half a core) for the first ~60 s of a paced
 * run, so the default warm-up is 120,000 events, 60 s at 2,000/s; then the measured events, written at
 * {@code --rate} per second (paced by parking, not spinning: on a 2-core machine a spinning
 * producer takes a core from the process it measures), or all at once with {@code --rate 0}, which
 * measures the dispatcher draining a backlog: its saturation throughput. Events are built and
 * serialised before the clock starts, so the producer's own work in the measured phase is the
 * Kafka send only.
 *
 * <pre>
 * java -Xmx2g -cp benchmarks/target/gds-benchmarks.jar com.gds.alerting.benchmarks.DispatcherBenchmark
 *     [--events 60000] [--rate 2000 | 0] [--warmup 120000]
 *     [--concurrency 8]    (gds.dispatcher.concurrency: parallel lanes, each a keep-alive connection)
 *     [--sink-threads 0]   (0: the sink answers on its server thread; n: a pool of n handler threads)
 * </pre>
 */
public final class DispatcherBenchmark {

    private static final String REGISTRY = InMemorySchemaRegistry.SCHEME + "dispatcher-bench";
    private static final byte[] MESSAGE_ID_FIELD = "\"message_id\":\"".getBytes(StandardCharsets.UTF_8);

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = BenchArgs.parse("DispatcherBenchmark", argv,
                "events", "rate", "warmup", "concurrency", "sink-threads");
        int events = Integer.parseInt(args.getOrDefault("events", "60000"));
        int rate = Integer.parseInt(args.getOrDefault("rate", "2000"));
        int warmup = Integer.parseInt(args.getOrDefault("warmup", "120000"));
        int concurrency = Integer.parseInt(args.getOrDefault("concurrency", "8"));
        int sinkThreads = Integer.parseInt(args.getOrDefault("sink-threads", "0"));
        System.out.printf(Locale.ROOT, "%s, %d cores, load average %.2f; events %,d at %s after a warm-up of %,d; %d lanes%n",
                ZonedDateTime.now(ZoneOffset.UTC).withNano(0), Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), events,
                rate > 0 ? String.format(Locale.ROOT, "%,d/s", rate) : "once (backlog)", warmup, concurrency);
        AvroClassTrust.install();
        Path work = Files.createDirectories(Path.of("target", "dispatcher-bench")).toAbsolutePath();

        int total = warmup + events;
        GdsTopics topics = GdsTopics.defaults();
        GdsAvroSerializer<AlertEvent> serializer = new GdsAvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", REGISTRY), false);
        String[] keys = new String[total];
        byte[][] values = new byte[total][];
        Map<String, Integer> indexOf = new HashMap<>(total * 2);
        for (int i = 0; i < total; i++) {
            AlertEvent event = event(i);
            keys[i] = event.getAlertKey();
            values[i] = serializer.serialize(topics.events(), event);
            indexOf.put(event.getMessageId(), i);
        }
        AtomicLongArray sentAt = new AtomicLongArray(total);
        AtomicLongArray receivedAt = new AtomicLongArray(total);
        AtomicInteger received = new AtomicInteger();
        AtomicInteger unknown = new AtomicInteger();

        HttpServer sink = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        ExecutorService sinkPool = sinkThreads > 0 ? Executors.newFixedThreadPool(sinkThreads) : null;
        sink.setExecutor(sinkPool);
        sink.createContext("/ingest", exchange -> {
            Integer index = indexOf.get(messageId(exchange));
            if (index == null) {
                unknown.incrementAndGet();
            } else if (receivedAt.compareAndSet(index, 0, System.nanoTime())) {
                received.incrementAndGet();
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        sink.start();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(Files.createTempDirectory(work, "broker")).build().start()) {
            createTopics(broker, topics);
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
            props.put("gds.watchdog.enabled", false); // the sink counts the benchmark's notifications only
            props.put("gds.self-monitor.enabled", false);
            try (ApplicationContext service = ApplicationContext.run(EmbeddedServer.class, props).getApplicationContext();
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                         broker.bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, 1), new StringSerializer(), new ByteArraySerializer())) {
                long warmStart = System.nanoTime();
                write(producer, topics.events(), keys, values, sentAt, 0, warmup, rate);
                if (!await(received, warmup, TimeUnit.MINUTES.toNanos(3))) {
                    System.out.println("warm-up: only " + received.get() + " of " + warmup + " delivered; giving up");
                    return;
                }
                System.out.printf(Locale.ROOT, "warm-up: %,d delivered in %.1f s%n", warmup, (System.nanoTime() - warmStart) / 1e9);

                ProcessCpu measured = ProcessCpu.start();
                long start = System.nanoTime();
                write(producer, topics.events(), keys, values, sentAt, warmup, total, rate);
                long written = System.nanoTime();
                boolean all = await(received, total, TimeUnit.MINUTES.toNanos(5));
                double cpu = measured.cpuSeconds();
                report(warmup, total, rate, start, written, sentAt, receivedAt, cpu);
                if (!all) {
                    System.out.println("MISSING " + (total - received.get()) + " notifications");
                }
                if (unknown.get() > 0) {
                    System.out.println("the sink received " + unknown.get() + " POSTs with an unknown message_id");
                }
            }
        } finally {
            sink.stop(0);
            if (sinkPool != null) {
                sinkPool.shutdownNow();
            }
        }
    }

    /** Writes events {@code from} to {@code to}, {@code rate} per second (0: as fast as the producer goes). */
    private static void write(KafkaProducer<String, byte[]> producer, String topic, String[] keys, byte[][] values,
                              AtomicLongArray sentAt, int from, int to, int rate) {
        long start = System.nanoTime();
        double intervalNanos = rate > 0 ? 1e9 / rate : 0;
        for (int i = from; i < to; i++) {
            long due = start + (long) ((i - from) * intervalNanos);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            sentAt.set(i, System.nanoTime());
            producer.send(new ProducerRecord<>(topic, keys[i], values[i]));
        }
        producer.flush();
    }

    private static boolean await(AtomicInteger received, int count, long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        while (received.get() < count && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        return received.get() >= count;
    }

    private static void report(int from, int to, int rate, long start, long written, AtomicLongArray sentAt,
                               AtomicLongArray receivedAt, double cpuSeconds) {
        long last = start;
        List<Double> latencies = new ArrayList<>();
        for (int i = from; i < to; i++) {
            long r = receivedAt.get(i);
            if (r != 0) {
                last = Math.max(last, r);
                latencies.add((r - sentAt.get(i)) / 1e6);
            }
        }
        double[] ms = latencies.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(ms);
        double seconds = (last - start) / 1e9;
        System.out.println();
        System.out.printf(Locale.ROOT, "offered %,d events %s in %.1f s; delivered %,d; first write -> last POST %.1f s = %,.0f notifications/s%n",
                to - from, rate > 0 ? String.format(Locale.ROOT, "at %,d/s", rate) : "at once", (written - start) / 1e9,
                ms.length, seconds, ms.length / seconds);
        if (ms.length > 0) {
            System.out.printf(Locale.ROOT, "event written -> POST received: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                    percentile(ms, 0.50), percentile(ms, 0.90), percentile(ms, 0.99), ms[ms.length - 1]);
        }
        System.out.printf(Locale.ROOT, "process CPU %.1f s over %.1f s (%.0f%% of %d cores, %.0f us per notification = CPU-s per "
                        + "million notifications, broker, sink and producer included); load average now %.2f%n",
                cpuSeconds, seconds, 100 * cpuSeconds / seconds / Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().availableProcessors(), 1e6 * cpuSeconds / Math.max(1, ms.length),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static double percentile(double[] sorted, double p) {
        return sorted[Math.max(0, (int) Math.ceil(sorted.length * p) - 1)];
    }

    /** The {@code message_id} of the JSON body, found without parsing the whole of it. */
    private static String messageId(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        outer:
        for (int i = 0; i + MESSAGE_ID_FIELD.length < body.length; i++) {
            for (int j = 0; j < MESSAGE_ID_FIELD.length; j++) {
                if (body[i + j] != MESSAGE_ID_FIELD[j]) {
                    continue outer;
                }
            }
            int from = i + MESSAGE_ID_FIELD.length;
            int end = from;
            while (end < body.length && body[end] != '"') {
                end++;
            }
            return new String(body, from, end - from, StandardCharsets.UTF_8);
        }
        return "";
    }

    private static void createTopics(EmbeddedKafkaBroker broker, GdsTopics topics) throws Exception {
        TopicLayout.create(broker.bootstrapServers(), topics, List.of(topics.metricsTopic("postgresql", "prod")), 6);
    }

    private static AlertEvent event(int i) {
        String instance = "db-" + (i % 5000);
        String rule = "bench-" + (i / 5000);
        String key = AlertKeys.of(rule, instance, "bench_metric");
        Instant now = Instant.now();
        return AlertEvent.newBuilder()
                .setMessageId(MessageIds.of(key, 1, now.toEpochMilli(), Transition.FIRED.name(), i))
                .setAlertKey(key).setRuleId(rule).setInstanceId(instance).setMetricName("bench_metric")
                .setDatabaseType("postgresql").setEnvironment("prod").setSeverity(Severity.CRITICAL)
                .setState(AlertState.FIRING).setTransition(Transition.FIRED).setIncident(1).setReminderNumber(0)
                .setValue(42.0).setThreshold(30.0).setStartedAt(now).setUpdatedAt(now)
                .setSummary("[CRITICAL] " + instance + " bench_metric = 42").setLabels(Map.of("team", "dba"))
                .build();
    }
}
