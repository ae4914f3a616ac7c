package com.gds.alerting.importer.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.serde.AvroSerdeConfig;
import com.gds.alerting.collectors.MetricPublisher;
import com.gds.alerting.collectors.synthetic.SyntheticFleet;
import com.gds.alerting.contract.GdsTopics;
import com.gds.alerting.importer.ImporterConfig;
import com.gds.alerting.importer.WarehouseImporter;
import com.gds.alerting.importer.testkit.EmbeddedPostgresServer;
import com.gds.alerting.importer.testkit.TopicReadiness;
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;

/**
 * End-to-end load rate: topic → warehouse, commit included.
 *
 * <p>Publishes {@code rows} synthetic metrics (a 1,000-instance fleet, 6 partitions per topic) to
 * an in-process broker first, then starts the importer and times it from start until the group's
 * committed offsets reach the end of every topic; checks the warehouse then holds exactly one
 * fact per metric. The broker, the importer and (for PostgreSQL) the server share this machine.
 *
 * <pre>
 * dw-importer/bin/benchmark duckdb 1000000
 * dw-importer/bin/benchmark postgresql 500000
 * </pre>
 * Optional third argument: batch size in records (default 100000, the importer's default).
 */
public final class ImporterBenchmark {

    private static final String SCOPE = "benchmark";
    private static final int PARTITIONS = 6;

    private ImporterBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String target = args.length > 0 ? args[0] : "duckdb";
        int rows = args.length > 1 ? Integer.parseInt(args[1].replace("_", "")) : 1_000_000;
        String batch = args.length > 2 ? args[2] : "100000";
        System.out.printf("load average before: %s%n", loadAverage());
        Path dir = Files.createTempDirectory("gds-bench-");
        EmbeddedPostgresServer postgres = null;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            GdsTopics topics = GdsTopics.defaults();
            SyntheticFleet fleet = new SyntheticFleet(new Random(1), 250, 0);
            List<String> metricTopics = fleet.topicsUsed().stream().map(e -> topics.metricsTopic(e.getKey(), e.getValue())).toList();
            List<NewTopic> create = new ArrayList<>(metricTopics.stream().map(t -> new NewTopic(t, PARTITIONS, (short) 1)).toList());
            create.add(new NewTopic(topics.events(), PARTITIONS, (short) 1));
            create.add(new NewTopic(topics.dlqMetrics(), 1, (short) 1));
            admin.createTopics(create).all().get();
            TopicReadiness.await(admin, metricTopics, PARTITIONS);

            long published = publish(broker, topics, fleet, rows);

            Map<String, String> settings = new HashMap<>();
            String url;
            if (target.equals("duckdb")) {
                url = "jdbc:duckdb:" + dir.resolve("bench.duckdb");
            } else if (target.equals("postgresql")) {
                postgres = new EmbeddedPostgresServer();
                url = postgres.newDatabase();
                settings.put("warehouse.user", "postgres");
            } else {
                throw new IllegalArgumentException("target must be duckdb or postgresql, got " + target);
            }
            settings.put("warehouse.url", url);
            settings.put("kafka.bootstrap.servers", broker.bootstrapServers());
            settings.put("kafka.group.id", "bench");
            settings.put("schema.registry.url", "mem://" + SCOPE);
            settings.put("importer.batch.max-records", batch);
            settings.put("importer.http.port", "-1");
            ImporterConfig config = ImporterConfig.parse(settings, "benchmark", System::getenv);

            List<String> sources = new ArrayList<>(metricTopics);
            Map<TopicPartition, Long> end = endOffsets(admin, sources);
            long t0 = System.nanoTime();
            try (WarehouseImporter importer = WarehouseImporter.builder(config).start()) {
                while (!committed(admin, "bench").equals(end)) {
                    if (!importer.isAlive()) {
                        throw new IllegalStateException("the importer died: " + importer.metrics().lastError());
                    }
                    Thread.sleep(20);
                }
                long nanos = System.nanoTime() - t0;
                long facts = count(url, settings.get("warehouse.user"), "SELECT COUNT(*) FROM fact_metric");
                double seconds = nanos / 1e9;
                System.out.printf(Locale.ROOT, "%n%s: %,d records published, %,d facts in the warehouse%n", target, published, facts);
                System.out.printf(Locale.ROOT, "%s: %,d rows in %.2f s end to end (start, group join, decode, load, commit) "
                        + "= %,.0f rows/s; %d batches, mean batch latency %.0f ms%n", target, facts, seconds, facts / seconds,
                        importer.metrics().batches(), seconds * 1000 / Math.max(1, importer.metrics().batches()));
                System.out.printf("load average after: %s%n", loadAverage());
                if (facts != published) {
                    throw new IllegalStateException("expected " + published + " facts, found " + facts);
                }
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    private static long publish(EmbeddedKafkaBroker broker, GdsTopics topics, SyntheticFleet fleet, int rows) {
        long t0 = System.nanoTime();
        long sent = 0;
        Map<String, Object> producer = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024, ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 120_000, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600_000);
        try (MetricPublisher publisher = new MetricPublisher(producer,
                Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mem://" + SCOPE), topics)) {
            Instant at = Instant.parse("2026-11-21T00:00:00Z");
            while (sent < rows) {
                for (Metric m : fleet.cycle(at, Duration.ofSeconds(5)).metrics()) {
                    if (sent == rows) {
                        break;
                    }
                    publisher.publish(m);
                    if (++sent % 50_000 == 0) {
                        // Bounded in flight: an in-process broker on two busy cores times out huge backlogs.
                        publisher.flush();
                    }
                }
                at = at.plusSeconds(5);
            }
            publisher.flush();
            if (publisher.failedCount() > 0) {
                throw new IllegalStateException(publisher.failedCount() + " metrics not published");
            }
        }
        System.out.printf(Locale.ROOT, "published %,d metrics in %.1f s (not part of the figure)%n", sent,
                (System.nanoTime() - t0) / 1e9);
        return sent;
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, List<String> topics) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        topics.forEach(t -> {
            for (int p = 0; p < PARTITIONS; p++) {
                request.put(new TopicPartition(t, p), OffsetSpec.latest());
            }
        });
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(request).all().get().forEach((tp, info) -> {
            if (info.offset() > 0) {
                out.put(tp, info.offset());
            }
        });
        return out;
    }

    private static Map<TopicPartition, Long> committed(Admin admin, String group) throws Exception {
        Map<TopicPartition, Long> out = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        offsets.forEach((tp, om) -> {
            if (om != null) {
                out.put(tp, om.offset());
            }
        });
        return out;
    }

    private static long count(String url, String user, String sql) throws Exception {
        try (Connection c = user == null ? DriverManager.getConnection(url) : DriverManager.getConnection(url, user, "");
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "n/a";
        }
    }
}
