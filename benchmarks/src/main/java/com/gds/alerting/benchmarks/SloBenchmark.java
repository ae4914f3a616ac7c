package com.gds.alerting.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import com.gds.alerting.avro.Comparison;
import com.gds.alerting.avro.MetricMetadata;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.RuleKind;
import com.gds.alerting.avro.Selector;
import com.gds.alerting.avro.SliKind;
import com.gds.alerting.avro.SloSpec;
import com.gds.alerting.avro.internal.SloStatus;
import com.gds.alerting.avro.serde.AvroClassTrust;
import com.gds.alerting.avro.serde.GdsAvroSerializer;
import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.contract.GdsTopics;
import com.gds.alerting.contract.TopicLayout;
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;
import com.gds.alerting.topologies.AlertingCounters.Counter;
import com.gds.alerting.topologies.AlertingTopology;
import com.gds.alerting.topologies.AlertingTopologyConfig;
import com.gds.alerting.topologies.StoreKind;
import com.gds.alerting.topologies.slo.SloStateSerde;

/**
 * State size and throughput of SLO rules: {@code --slos} SLO rules (half THRESHOLD SLIs on one
 * metric each, half RATIO SLIs on a total and a failed counter each, Workbook default windows and a
 * 30-day period) over {@code --instances} instances, through {@link KafkaStreams} with one stream
 * thread, RocksDB and exactly-once v2 on the in-process broker. Every (SLO, instance) gets
 * {@code --cycles} collections 15 s apart, so the second cycle reads, updates and writes existing
 * state. About 0.1% of samples are bad, so some alerts fire.
 *
 * <pre>
 * java -cp benchmarks/target/gds-benchmarks.jar com.gds.alerting.benchmarks.SloBenchmark [--slos 1000] [--instances 1000] [--cycles 2]
 *     [--partitions 6] [--repeat 2] [--work-dir target/bench]
 * </pre>
 *
 * <p>Each of {@code --repeat} rounds runs a fresh application (new id, empty state) over the same
 * pre-loaded metrics; read the second, whose JIT is warm. Reports drain throughput (RUNNING to the
 * last metric evaluated, and every 10 s), the SLO store's entries and
 * their mean serialised size (key + value, what the changelog and RocksDB hold per entry), and
 * RocksDB's own live-data estimate for the store divided by the entries, and the drain's process CPU per
 * million metrics ({@link ProcessCpu}). Every pre-loaded record is acknowledged before a round starts
 * ({@link CheckedSends}), so a rule table short of {@code --slos} rules at RUNNING is a fault of the product.
 */
public final class SloBenchmark {

    private static final String REGISTRY = InMemorySchemaRegistry.SCHEME + "slo-benchmark";

    private final int slos;
    private final int instances;
    private final int cycles;
    private final int partitions;
    private final int repeat;
    private final Path workDir;

    private SloBenchmark(Map<String, String> args) {
        this.slos = Integer.parseInt(args.getOrDefault("slos", "1000"));
        this.instances = Integer.parseInt(args.getOrDefault("instances", "1000"));
        this.cycles = Integer.parseInt(args.getOrDefault("cycles", "2"));
        this.partitions = Integer.parseInt(args.getOrDefault("partitions", "6"));
        this.repeat = Integer.parseInt(args.getOrDefault("repeat", "2"));
        this.workDir = Path.of(args.getOrDefault("work-dir", "target/bench")).toAbsolutePath();
    }

    public static void main(String[] argv) throws Exception {
        AvroClassTrust.install(); // the rule builders resolve nested record classes
        Map<String, String> args = BenchArgs.parse("SloBenchmark", argv,
                "slos", "instances", "cycles", "partitions", "repeat", "work-dir");
        new SloBenchmark(args).run();
    }

    private static boolean ratio(int slo) {
        return slo % 2 == 1;
    }

    private void run() throws Exception {
        Files.createDirectories(workDir);
        Path brokerDir = Files.createTempDirectory(workDir, "broker");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(brokerDir).build().start()) {
            GdsTopics base = GdsTopics.defaults();
            GdsTopics topics = new GdsTopics(base.metricsPrefix(), "slo.rules", base.silences(), "slo.commands", "slo.events",
                    "slo.dlq.metrics", base.dlqNotifications(), "slo.dlq.rules", "slo.rules.accepted", "slo.results",
                    "slo.dlq.commands");
            String metricsTopic = topics.metricsTopic("postgresql", "prod");
            TopicLayout.create(broker.bootstrapServers(), topics, List.of(metricsTopic), partitions);
            long loadStart = System.nanoTime();
            long metrics = preload(broker, topics, metricsTopic);
            System.out.printf(Locale.ROOT, "pre-loaded %,d metrics (%,d SLOs x %,d instances x %d cycles) and %,d rules in %.1f s%n",
                    metrics, slos, instances, cycles, slos, (System.nanoTime() - loadStart) / 1e9);
            for (int round = 1; round <= repeat; round++) {
                measure(broker, topics, metrics, round);
            }
        }
    }

    private long preload(EmbeddedKafkaBroker broker, GdsTopics topics, String metricsTopic) throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        GdsAvroSerializer<com.gds.alerting.avro.Metric> serializer = new GdsAvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", REGISTRY), false);
        GdsAvroSerializer<Rule> ruleSerializer = new GdsAvroSerializer<>();
        ruleSerializer.configure(Map.of("schema.registry.url", REGISTRY), false);
        Random random = new Random(42);
        Instant start = Instant.parse("2026-11-01T00:00:00Z");
        long sent = 0;
        CheckedSends ruleSends = new CheckedSends("rules to " + topics.rulesAccepted());
        CheckedSends metricSends = new CheckedSends("metrics to " + metricsTopic);
        // The topics were created a moment ago: one request in flight, or a send may be lost (see CheckedSends).
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(CheckedSends.oneRequestInFlight(config),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int s = 0; s < slos; s++) {
                Rule rule = rule(s);
                // Straight into the accepted table, as after a restart (see TopologyThroughputBenchmark).
                ruleSends.send(producer, new ProducerRecord<>(topics.rulesAccepted(), rule.getRuleId(),
                        ruleSerializer.serialize(topics.rulesAccepted(), rule)));
            }
            ruleSends.flushAndCheck(producer);
            for (int c = 0; c < cycles; c++) {
                Instant at = start.plusSeconds(15L * c);
                for (int i = 0; i < instances; i++) {
                    String instance = String.format(Locale.ROOT, "db-%05d", i);
                    for (int s = 0; s < slos; s++) {
                        boolean badSample = random.nextDouble() < 0.001;
                        if (ratio(s)) {
                            double total = 1_000.0 * (c + 1);
                            double failed = badSample ? 10.0 * (c + 1) : 0;
                            send(producer, metricSends, serializer, metricsTopic, instance, "req_total_" + s, total, at);
                            send(producer, metricSends, serializer, metricsTopic, instance, "req_failed_" + s, failed, at);
                            sent += 2;
                        } else {
                            send(producer, metricSends, serializer, metricsTopic, instance, "avail_" + s, badSample ? 0 : 1, at);
                            sent++;
                        }
                    }
                }
            }
            metricSends.flushAndCheck(producer);
        }
        return sent;
    }

    private static void send(KafkaProducer<String, byte[]> producer, CheckedSends sends,
                             GdsAvroSerializer<com.gds.alerting.avro.Metric> serializer,
                             String topic, String instance, String metric, double value, Instant at) {
        com.gds.alerting.avro.Metric m = com.gds.alerting.avro.Metric.newBuilder()
                .setTimestamp(at)
                .setDatabaseType("postgresql")
                .setInstanceId(instance)
                .setMetricName(metric)
                .setValue(value)
                .setTags(Map.of("environment", "prod"))
                .setMetadata(new MetricMetadata(5L, "bench", "c"))
                .build();
        sends.send(producer, new ProducerRecord<>(topic, instance, serializer.serialize(topic, m)));
    }

    private static Rule rule(int s) {
        SloSpec spec = ratio(s)
                ? SloSpec.newBuilder().setSli(SliKind.RATIO).setTotalMetric("req_total_" + s).setBadMetric("req_failed_" + s)
                        .setObjective(0.999).setPeriodMs(Duration.ofDays(30).toMillis()).build()
                : SloSpec.newBuilder().setSli(SliKind.THRESHOLD).setGoodOp(Comparison.EQ).setGoodThreshold(1.0)
                        .setObjective(0.999).setPeriodMs(Duration.ofDays(30).toMillis()).build();
        return Rule.newBuilder()
                .setRuleId("slo-" + s)
                .setKind(RuleKind.SLO)
                .setSelector(new Selector(ratio(s) ? "req_total_" + s : "avail_" + s, List.of()))
                .setSlo(spec)
                .build();
    }

    /** One round: a fresh application (new id, empty state) drains every pre-loaded metric. */
    private void measure(EmbeddedKafkaBroker broker, GdsTopics topics, long metrics, int round) throws Exception {
        System.out.println("round " + round + ":");
        AlertingTopology alerting = AlertingTopology.build(AlertingTopologyConfig.defaults(Map.of("schema.registry.url", REGISTRY))
                .withTopics(topics).withStoreKind(StoreKind.PERSISTENT));
        Path stateDir = Files.createTempDirectory(workDir, "state");
        Properties props = new Properties();
        props.putAll(AlertingTopology.requiredStreamsConfig());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "slo-bench-r" + round);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        AtomicLong runningSince = new AtomicLong();
        try (KafkaStreams streams = new KafkaStreams(alerting.topology(), props)) {
            streams.setStateListener((now, before) -> {
                if (now == KafkaStreams.State.RUNNING) {
                    runningSince.compareAndSet(0, System.nanoTime());
                }
            });
            streams.start();
            long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
            while (runningSince.get() == 0) {
                check(streams, deadline, "start");
                Thread.sleep(5);
            }
            ProcessCpu cpu = ProcessCpu.start();
            // Every rule was acknowledged before the start, and a global store is restored to its end offsets
            // before any stream thread runs: a missing rule here is a product fault, not the harness's.
            if (alerting.ruleBook().size() != slos) {
                throw new IOException("rule table holds " + alerting.ruleBook().size() + " rules at RUNNING, expected " + slos);
            }
            long start = runningSince.get();
            long lastReport = System.nanoTime();
            long done;
            while ((done = alerting.counters().get(Counter.METRICS_EVALUATED)
                    + alerting.counters().get(Counter.METRICS_DEAD_LETTERED)) < metrics) {
                check(streams, deadline, "drain " + metrics + " metrics (at " + done + ")");
                if (System.nanoTime() - lastReport > 10e9) {
                    System.out.printf(Locale.ROOT, "  %,d / %,d metrics after %.0f s%n", done, metrics, (System.nanoTime() - start) / 1e9);
                    lastReport = System.nanoTime();
                }
                Thread.sleep(50);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "drained %,d metrics in %.1f s: %,.0f metrics/s (evaluations %,d, events %,d)%n",
                    metrics, seconds, metrics / seconds, alerting.counters().get(Counter.EVALUATIONS),
                    alerting.counters().get(Counter.EVENTS));
            System.out.println("drain " + cpu.report(metrics, "metrics") + "; broker and harness in the same process");

            ReadOnlyKeyValueStore<String, SloStatus> store = streams.store(StoreQueryParameters.fromNameAndType(
                    AlertingTopology.Names.SLO_STORE, QueryableStoreTypes.keyValueStore()));
            SloStateSerde serde = new SloStateSerde(); // what the store writes
            long entries = 0;
            long bytes = 0;
            try (KeyValueIterator<String, SloStatus> it = store.all()) {
                while (it.hasNext()) {
                    KeyValue<String, SloStatus> kv = it.next();
                    entries++;
                    bytes += kv.key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + serde.encode(kv.value).length;
                }
            }
            double liveData = rocksDbProperty(streams, "estimate-live-data-size");
            double sstFiles = rocksDbProperty(streams, "total-sst-files-size");
            double memtables = rocksDbProperty(streams, "size-all-mem-tables");
            System.out.printf(Locale.ROOT, "slo-state: %,d entries (expected %,d), mean key+value %.0f bytes%n", entries,
                    (long) slos * instances, (double) bytes / entries);
            System.out.printf(Locale.ROOT, "slo-state RocksDB: live data estimate %.0f bytes/entry, SST files %.0f bytes/entry,"
                    + " memtables %.0f MiB total%n", liveData / entries, sstFiles / entries, memtables / (1 << 20));
            streams.close(Duration.ofSeconds(60));
        }
        try (Stream<Path> files = Files.walk(stateDir)) {
            long onDisk = files.filter(p -> p.toString().contains(AlertingTopology.Names.SLO_STORE) && Files.isRegularFile(p))
                    .mapToLong(p -> p.toFile().length()).sum();
            System.out.printf(Locale.ROOT, "slo-state directories on disk after close: %,d bytes (%.0f bytes per (SLO, instance))%n",
                    onDisk, (double) onDisk / ((long) slos * instances));
        }
    }

    /** A RocksDB property metric of the SLO store, summed over tasks (NaN when the metric is not there). */
    private static double rocksDbProperty(KafkaStreams streams, String name) {
        double sum = 0;
        boolean found = false;
        for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
            MetricName m = e.getKey();
            if (m.name().equals(name) && AlertingTopology.Names.SLO_STORE.equals(m.tags().get("rocksdb-state-id"))) {
                Object value = e.getValue().metricValue();
                if (value instanceof Number n) {
                    sum += n.doubleValue();
                    found = true;
                }
            }
        }
        return found ? sum : Double.NaN;
    }

    private static void check(KafkaStreams streams, long deadline, String what) throws IOException {
        if (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING) {
            throw new IOException("streams " + streams.state() + " while waiting to " + what);
        }
        if (System.nanoTime() > deadline) {
            throw new IOException("timed out waiting to " + what);
        }
    }
}
