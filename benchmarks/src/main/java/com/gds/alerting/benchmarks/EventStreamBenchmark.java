package com.gds.alerting.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
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
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.avro.serde.AvroClassTrust;
import com.gds.alerting.avro.serde.AvroSerdes;
import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.contract.GdsTopics;
import com.gds.alerting.contract.TopicLayout;
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;
import com.gds.alerting.service.stream.EventStreams;

/**
 * Many clients on {@code GET /api/v1/events/stream}: opens {@code --streams} streams on one service
 * instance (in-process broker), writes {@code --events} transitions at {@code --rate} per second to
 * {@code gds.alerts.events}, and prints the delivery latency (transition written → line received by
 * each client, p50/p99/max), how many each client received, the heap the open streams hold, and the
 * process CPU-seconds per thousand events delivered.
 *
 * <pre>
 * java -cp benchmarks/target/gds-benchmarks.jar com.gds.alerting.benchmarks.EventStreamBenchmark
 *     [--streams 500] [--events 200] [--rate 20]
 * </pre>
 */
public final class EventStreamBenchmark {

    private static final String REGISTRY = InMemorySchemaRegistry.SCHEME + "event-stream-bench";
    private static final GdsTopics TOPICS = GdsTopics.defaults();
    private static final Pattern UPDATED = Pattern.compile("\"message_id\":\"bench-(\\d+)-");

    private final int streams;
    private final int events;
    private final int rate;
    private final Path workDir;

    private EventStreamBenchmark(Map<String, String> args) {
        streams = Integer.parseInt(args.getOrDefault("streams", "500"));
        events = Integer.parseInt(args.getOrDefault("events", "200"));
        rate = Integer.parseInt(args.getOrDefault("rate", "20"));
        workDir = Path.of(args.getOrDefault("work-dir", "target/event-stream-bench")).toAbsolutePath();
    }

    public static void main(String[] argv) throws Exception {
        new EventStreamBenchmark(BenchArgs.parse("EventStreamBenchmark", argv, "streams", "events", "rate", "work-dir")).run();
        System.exit(0);
    }

    private void run() throws Exception {
        AvroClassTrust.install();
        Files.createDirectories(workDir);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(Files.createTempDirectory(workDir, "broker"))
                .build().start()) {
            TopicLayout.create(broker.bootstrapServers(), TOPICS, List.of(TOPICS.metricsTopic("postgresql", "prod")), 6);
            ApplicationContext service = service(broker.bootstrapServers());
            try (KafkaProducer<String, AlertEvent> producer = new KafkaProducer<>(
                    Map.of("bootstrap.servers", broker.bootstrapServers(), "linger.ms", 0), new StringSerializer(),
                    AvroSerdes.valueSerde(AlertEvent.class, Map.of("schema.registry.url", REGISTRY)).serializer())) {
                String url = service.getBean(EmbeddedServer.class).getURL() + "/api/v1/events/stream";
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
                System.gc();
                long heapBefore = usedHeap();
                ConcurrentLinkedQueue<Long> latenciesMicros = new ConcurrentLinkedQueue<>();
                AtomicLong[] received = new AtomicLong[streams];
                List<CompletableFuture<HttpResponse<Void>>> open = new ArrayList<>();
                long openStart = System.nanoTime();
                for (int i = 0; i < streams; i++) {
                    AtomicLong count = received[i] = new AtomicLong();
                    open.add(http.sendAsync(HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream").build(),
                            HttpResponse.BodyHandlers.fromLineSubscriber(new java.util.concurrent.Flow.Subscriber<String>() {
                                @Override
                                public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
                                    s.request(Long.MAX_VALUE);
                                }

                                @Override
                                public void onNext(String line) {
                                    Matcher m = UPDATED.matcher(line);
                                    if (m.find()) {
                                        latenciesMicros.add(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - Long.parseLong(m.group(1))));
                                        count.incrementAndGet();
                                    }
                                }

                                @Override
                                public void onError(Throwable t) {
                                }

                                @Override
                                public void onComplete() {
                                }
                            })));
                }
                EventStreams hub = service.getBean(EventStreams.class);
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
                while (hub.openStreams() < streams && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                double openSeconds = (System.nanoTime() - openStart) / 1e9;
                Thread.sleep(3_000); // every stream positioned and polled once before the first transition
                System.gc();
                long heapOpen = usedHeap();
                ProcessCpu cpu = ProcessCpu.start();
                long interval = TimeUnit.SECONDS.toNanos(1) / rate;
                long next = System.nanoTime();
                for (int e = 0; e < events; e++) {
                    while (System.nanoTime() < next) {
                        Thread.onSpinWait();
                    }
                    next += interval;
                    Instant now = Instant.now();
                    String key = "bench:db-" + e + ":m";
                    producer.send(new ProducerRecord<>(TOPICS.events(), key, AlertEvent.newBuilder()
                            .setMessageId("bench-" + System.nanoTime() + "-" + UUID.randomUUID()).setAlertKey(key).setRuleId("bench")
                            .setInstanceId("db-" + e).setMetricName("m").setDatabaseType("postgresql").setEnvironment("prod")
                            .setSeverity(Severity.HIGH).setState(AlertState.FIRING).setTransition(Transition.FIRED).setIncident(1)
                            .setReminderNumber(0).setValue(1.0).setThreshold(0.0).setStartedAt(now).setUpdatedAt(now)
                            .setLabels(Map.of()).build()));
                }
                producer.flush();
                long expected = (long) streams * events;
                deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
                while (latenciesMicros.size() < expected && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                long[] sorted = latenciesMicros.stream().mapToLong(Long::longValue).sorted().toArray();
                long complete = Arrays.stream(received).filter(c -> c.get() == events).count();
                System.out.println();
                System.out.printf(Locale.ROOT, "%d streams opened in %.1f s (%d open on the service)%n", streams, openSeconds,
                        hub.openStreams());
                System.out.printf(Locale.ROOT, "%d transitions at %d/s: %,d of %,d deliveries; %d of %d clients got every one%n",
                        events, rate, sorted.length, expected, complete, streams);
                if (sorted.length > 0) {
                    System.out.printf(Locale.ROOT, "written -> received: p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                            sorted[sorted.length / 2] / 1e3, sorted[(int) Math.min(sorted.length - 1, sorted.length * 0.99)] / 1e3,
                            sorted[sorted.length - 1] / 1e3);
                }
                System.out.printf(Locale.ROOT, "heap held by the open streams (after GC): %.1f MiB, %.0f KiB per stream%n",
                        (heapOpen - heapBefore) / 1048576.0, (heapOpen - heapBefore) / 1024.0 / streams);
                System.out.println(cpu.report(sorted.length, "deliveries") + " (broker, service and " + streams
                        + " clients in one process)");
                open.forEach(f -> f.cancel(true));
            } finally {
                service.close();
            }
        }
    }

    private ApplicationContext service(String bootstrap) throws IOException {
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
        props.put("kafka.bootstrap.servers", bootstrap);
        props.put("gds.dispatcher.enabled", false);
        props.put("gds.watchdog.enabled", false);
        props.put("gds.self-monitor.enabled", false);
        props.put("gds.event-stream.max-streams", streams);
        return ApplicationContext.run(EmbeddedServer.class, props).getApplicationContext();
    }

    private static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
