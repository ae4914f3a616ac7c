package com.gds.alerting.collectors.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.collectors.TestPostgres;
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;

/**
 * One agent, N targets (the same embedded PostgreSQL registered N times), at a fixed interval:
 * its CPU, its heap and the distribution of cycle times.
 *
 * <p>PostgreSQL and the broker run in this JVM; the agent runs in a child JVM from {@code
 * collectors/target/collectors.jar} with {@code -Xmx256m}, so its CPU (from the OS, all its
 * threads including GC and JIT) and heap are its own. The agent uses an in-memory registry in its
 * own JVM ({@code mem://}); this harness reads the Avro body after the 5-byte wire-format header,
 * so it needs no registry. Cycle times are the {@code collection_duration_ms} values the agent
 * published.
 *
 * <pre>
 * ./mvnw -q -pl collectors -am -Dcompose.lint.skip=true -DskipTests package dependency:build-classpath \
 *   -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
 * java -cp collectors/target/test-classes:collectors/target/classes:$(cat collectors/target/bench.cp) \
 *   com.gds.alerting.collectors.bench.CollectorsBenchmark --targets 500 --interval 30s --duration 6m
 * </pre>
 */
public final class CollectorsBenchmark {

    private CollectorsBenchmark() {
    }

    /** The process's resident set from /proc (Linux), in bytes. */
    private static long residentBytes(long pid) throws java.io.IOException {
        for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for process " + pid);
    }

    public static void main(String[] argv) throws Exception {
        // Avro 1.12.1+ only instantiates generated classes from trusted packages.
        org.apache.avro.util.ClassSecurityValidator.setGlobal(org.apache.avro.util.ClassSecurityValidator.composite(
                org.apache.avro.util.ClassSecurityValidator.getGlobal(), c -> c.getPackageName().equals(Metric.class.getPackageName())));
        Map<String, String> a = new java.util.HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            a.put(argv[i], argv[i + 1]);
        }
        Path jar = Path.of(a.getOrDefault("--jar", "collectors/target/collectors.jar")).toAbsolutePath();
        if (!Files.exists(jar)) {
            jar = Path.of("target/collectors.jar").toAbsolutePath();
        }
        int targets = Integer.parseInt(a.getOrDefault("--targets", "500"));
        Duration interval = Duration.ofSeconds(Long.parseLong(a.getOrDefault("--interval", "30s").replace("s", "")));
        Duration duration = Duration.ofMinutes(Long.parseLong(a.getOrDefault("--duration", "6m").replace("m", "")));
        Path work = Files.createTempDirectory("gds-bench-");

        try (TestPostgres pg = TestPostgres.start(targets + 50);
             EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary()) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("gds.metrics.postgresql.bench", 6, (short) 1))).all().get();
            }
            Path config = work.resolve("collectors.yaml");
            StringBuilder y = new StringBuilder("""
                    kafka: {bootstrap.servers: "%s"}
                    schema_registry: {schema.registry.url: "mem://bench"}
                    agent: {spool_dir: spool, health_port: "0", health_bind: 127.0.0.1, max_concurrent_collections: "8"}
                    defaults: {interval: %ds, query_timeout: %ds}
                    targets:
                    """.formatted(broker.bootstrapServers(), interval.toSeconds(), Math.min(10, interval.toSeconds() / 2)));
            for (int i = 0; i < targets; i++) {
                y.append("  - {type: postgresql, instance_id: pg-bench-%03d, environment: bench, connection: {url: \"%s\"}, credentials: {username: postgres}}\n"
                        .formatted(i, pg.jdbcUrl()));
            }
            Files.writeString(config, y.toString());
            Path log = work.resolve("agent.log");
            Process agent = new ProcessBuilder("java", "-Xmx256m", "-XX:+UseSerialGC", "-jar", jar.toString(), "--config",
                    config.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                int healthPort = awaitHealthPort(log, agent);
                Duration warmup = interval.plusSeconds(5);
                System.out.printf("agent pid %d, %d targets every %s; warming up %s, then measuring %s%n", agent.pid(),
                        targets, interval, warmup, duration);
                waitFor(warmup);
                Duration cpu0 = agent.info().totalCpuDuration().orElseThrow();
                long t0 = System.nanoTime();
                List<Long> heapSamples = new ArrayList<>();
                List<Long> rssSamples = new ArrayList<>();
                long end = t0 + duration.toNanos();
                while (System.nanoTime() < end) {
                    waitFor(Duration.ofSeconds(10));
                    heapSamples.add(metric(healthPort, "gds_collector_jvm_heap_used_bytes"));
                    rssSamples.add(residentBytes(agent.pid()));
                }
                Duration cpu1 = agent.info().totalCpuDuration().orElseThrow();
                double wall = (System.nanoTime() - t0) / 1e9;
                double cpuShare = (cpu1.minus(cpu0).toNanos() / 1e9) / wall;
                long cycles = metric(healthPort, "gds_collector_cycles_total");
                long late = metric(healthPort, "gds_collector_starts_late_total");
                long abandoned = metric(healthPort, "gds_collector_cycles_abandoned_total");
                long dropped = metric(healthPort, "gds_collector_spool_dropped_total");
                // Stop the agent first, so reading its records back has an end.
                agent.destroy();
                agent.waitFor();
                List<Double> durations = cycleDurations(broker.bootstrapServers());
                Collections.sort(durations);
                Collections.sort(heapSamples);
                Collections.sort(rssSamples);
                System.out.printf(Locale.ROOT, "%n=== %d targets, interval %s, measured %.0f s ===%n", targets, interval, wall);
                System.out.printf(Locale.ROOT, "agent CPU: %.2f%% of one core on average (%.1f s CPU in %.0f s)%n",
                        cpuShare * 100, cpu1.minus(cpu0).toNanos() / 1e9, wall);
                System.out.printf(Locale.ROOT, "agent heap used (-Xmx256m): median %.1f MiB, max %.1f MiB over %d samples%n",
                        heapSamples.get(heapSamples.size() / 2) / 1048576.0, heapSamples.get(heapSamples.size() - 1) / 1048576.0,
                        heapSamples.size());
                System.out.printf(Locale.ROOT, "agent resident memory (VmRSS): median %.1f MiB, max %.1f MiB over %d samples%n",
                        rssSamples.get(rssSamples.size() / 2) / 1048576.0, rssSamples.get(rssSamples.size() - 1) / 1048576.0,
                        rssSamples.size());
                System.out.printf(Locale.ROOT, "cycles finished %d, late starts %d, abandoned %d, spool drops %d%n",
                        cycles, late, abandoned, dropped);
                System.out.printf(Locale.ROOT, "cycle time (collection_duration_ms, %d cycles): p50 %.0f, p90 %.0f, p99 %.0f, max %.0f ms%n",
                        durations.size(), pct(durations, 0.5), pct(durations, 0.9), pct(durations, 0.99),
                        durations.get(durations.size() - 1));
            } finally {
                agent.destroy();
                agent.waitFor();
            }
        }
    }

    private static double pct(List<Double> sorted, double p) {
        return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
    }

    private static int awaitHealthPort(Path log, Process agent) throws Exception {
        Pattern p = Pattern.compile("health on http://[^:]+:(\\d+)/health");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && agent.isAlive()) {
            Matcher m = p.matcher(Files.exists(log) ? Files.readString(log) : "");
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            waitFor(Duration.ofMillis(200));
        }
        throw new IllegalStateException("the agent did not start; its log:\n" + Files.readString(log));
    }

    private static long metric(int port, String name) throws IOException, InterruptedException {
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^" + name + " (\\d+)").matcher(body);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Every collection_duration_ms the agent published, read back from the topic. */
    private static List<Double> cycleDurations(String bootstrap) {
        List<Double> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, "bench",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("gds.metrics.postgresql.bench"));
            org.apache.avro.specific.SpecificDatumReader<Metric> reader = new org.apache.avro.specific.SpecificDatumReader<>(Metric.class);
            int empty = 0;
            while (empty < 10) {
                var records = consumer.poll(Duration.ofMillis(500));
                empty = records.isEmpty() ? empty + 1 : 0;
                records.forEach(r -> {
                    Metric m;
                    try {
                        // Skip the magic byte and the schema id: the body is the current Metric schema.
                        m = reader.read(null, org.apache.avro.io.DecoderFactory.get().binaryDecoder(r.value(), 5, r.value().length - 5, null));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    if (m.getMetricName().equals("collection_duration_ms")) {
                        out.add(m.getValue());
                    }
                });
            }
        }
        return out;
    }

    private static void waitFor(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis()); // the harness paces itself; not product logic
    }
}
