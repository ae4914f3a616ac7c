package com.gds.alerting.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

import com.gds.alerting.avro.Comparison;
import com.gds.alerting.avro.Condition;
import com.gds.alerting.avro.MatchOp;
import com.gds.alerting.avro.Matcher;
import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.MetricMetadata;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.RuleKind;
import com.gds.alerting.avro.Selector;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.serde.GdsAvroSerializer;
import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.contract.GdsTopics;
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;
import com.gds.alerting.topologies.AlertingCounters.Counter;
import com.gds.alerting.topologies.AlertingTopology;
import com.gds.alerting.topologies.AlertingTopologyConfig;
import com.gds.alerting.topologies.StoreKind;

/**
 * Throughput of the real alerting topology: {@link KafkaStreams} with one stream thread, RocksDB
 * stores and exactly-once v2, against the in-process broker. Pre-loads metrics for a fleet, then
 * for each rule-set size starts a fresh application and measures how fast it drains them.
 *
 * <pre>
 * java -jar benchmarks/target/gds-benchmarks.jar [--metrics 2000000] [--instances 10000]
 *     [--rules 10,10000] [--kinds threshold,expr,anomaly-adaptive,anomaly-robust] [--partitions 6] [--repeat 1]
 *     [--work-dir target/bench]
 * </pre>
 *
 * <p>{@code --kinds}: the same rule sets as threshold rules ({@code threshold}, the default) and/or as
 * EXPR rules ({@code expr}): each rule's condition is then on {@code avg_over_time(<metric>[1m])} of its
 * metric (a range function, so every sample is kept in the {@code expr-series} store and each rule is
 * evaluated once per collection instant of each instance it applies to), with the same conditions and
 * the same selection (fleet-wide, pinned by {@code instance_id}, or on a metric nobody emits).
 *
 * <p>Rule sets: with N rules, 10 are fleet-wide (one per emitted metric name, so every sample
 * matches one), half of the rest are pinned by {@code instance_id="..."} to one instance and one
 * metric name, the other half watch metric names nobody emits. Each sample thus matches one or
 * two rules whatever N is: the cost model of docs/semantics.md says the throughput must not depend on N.
 * About 0.1% of samples breach, so alerts fire and resolve during the run.
 */
public final class TopologyThroughputBenchmark {

    private static final String[] METRIC_NAMES = {"connections_used_ratio", "replication_lag_seconds", "cache_hit_ratio",
        "longest_query_seconds", "waiting_locks", "deadlocks_total", "temp_bytes", "database_size_bytes",
        "xid_wraparound_age", "up"};
    private static final String[] DATABASE_TYPES = {"postgresql", "mssql", "mongodb", "snowflake"};
    private static final String REGISTRY = InMemorySchemaRegistry.SCHEME + "benchmark";

    private final int metrics;
    private final int instances;
    private final List<Integer> ruleCounts;
    private final int partitions;
    private final int repeat;
    private final Path workDir;
    /** Values of max.task.idle.ms to run back to back; null = the topology's required setting only. */
    private final List<Long> taskIdleMs;
    /** Event time of the first metric; null = two hours before the wall clock, to the minute. */
    private final Instant dataStart;
    /** The rule kinds measured back to back: threshold, expr (avg_over_time), anomaly-adaptive / anomaly-robust (weekly). */
    private final List<String> kinds;
    private static final List<String> KINDS = List.of("threshold", "expr", "anomaly-adaptive", "anomaly-robust");

    private TopologyThroughputBenchmark(Map<String, String> args) {
        this.metrics = Integer.parseInt(args.getOrDefault("metrics", "2000000"));
        this.instances = Integer.parseInt(args.getOrDefault("instances", "10000"));
        this.ruleCounts = java.util.Arrays.stream(args.getOrDefault("rules", "10,10000").split(",")).map(Integer::parseInt).toList();
        this.partitions = Integer.parseInt(args.getOrDefault("partitions", "6"));
        this.repeat = Integer.parseInt(args.getOrDefault("repeat", "1"));
        this.workDir = Path.of(args.getOrDefault("work-dir", "target/bench")).toAbsolutePath();
        this.taskIdleMs = args.containsKey("task-idle-ms")
                ? java.util.Arrays.stream(args.get("task-idle-ms").split(",")).map(Long::parseLong).toList()
                : java.util.Collections.singletonList(null);
        this.dataStart = args.containsKey("data-start") ? dataStart(args.get("data-start")) : null;
        this.kinds = java.util.Arrays.stream(args.getOrDefault("kinds", "threshold").split(",")).toList();
        for (String kind : kinds) {
            if (!KINDS.contains(kind)) {
                throw new IllegalArgumentException("--kinds: '" + kind + "' is not one of " + String.join(", ", KINDS));
            }
        }
    }

    /**
     * {@code --data-start}: the same data start in two invocations (e.g. two builds) makes their event
     * digests comparable. Within the last 6 days (the resolved retention, 7 days, runs on the wall clock and
     * would delete states at whatever moment it reached them) and at least an hour ago (the data spans
     * minutes; samples from the future are dead-lettered).
     */
    private static Instant dataStart(String value) {
        Instant start;
        try {
            start = Instant.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("--data-start: '" + value + "' is not an ISO-8601 instant (e.g. 2026-12-07T21:00:00Z)");
        }
        Instant now = Instant.now();
        if (start.isBefore(now.minus(Duration.ofDays(6))) || start.isAfter(now.minus(Duration.ofHours(1)))) {
            throw new IllegalArgumentException("--data-start: " + start + " must lie between 6 days and 1 hour before now (" + now
                    + "): older data has its resolved states deleted by the wall-clock retention sweep mid-run, newer data"
                    + " runs into the wall clock");
        }
        return start;
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = BenchArgs.parse("TopologyThroughputBenchmark", argv,
                "metrics", "instances", "rules", "partitions", "repeat", "work-dir", "task-idle-ms", "data-start", "kinds");
        new TopologyThroughputBenchmark(args).run();
    }

    private void run() throws Exception {
        Files.createDirectories(workDir);
        Path brokerDir = Files.createTempDirectory(workDir, "broker");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(brokerDir).build().start()) {
            GdsTopics base = GdsTopics.defaults();
            createMetricTopics(broker, base);
            long loadStart = System.nanoTime();
            preload(broker, base);
            System.out.printf(Locale.ROOT, "pre-loaded %,d metrics for %,d instances in %.1f s%n", metrics, instances,
                    (System.nanoTime() - loadStart) / 1e9);
            List<String> results = new ArrayList<>();
            for (int round = 1; round <= repeat; round++) {
                for (int rules : ruleCounts) {
                    for (String kind : kinds) {
                        for (Long idle : taskIdleMs) {
                            results.add(measure(broker, base, rules, kind, round, idle));
                        }
                    }
                }
            }
            System.out.println();
            System.out.println("kind       rules    metrics/s   seconds   peak heap MiB   events   CPU-s per M   idle ms   events digest");
            results.forEach(System.out::println);
            // Same data, same rules: any setting that changed the events shows here, whatever the speed.
            Map<String, java.util.Set<String>> digests = new java.util.TreeMap<>();
            for (String line : results) {
                String[] cols = line.trim().split("\\s+");
                digests.computeIfAbsent(cols[0] + " " + cols[1], k -> new java.util.TreeSet<>()).add(cols[cols.length - 1]);
            }
            digests.forEach((rules, set) -> System.out.println(rules + " rules: " + (set.size() == 1
                    ? "events identical across every run (digest " + set.iterator().next() + ")"
                    : "EVENTS DIFFER between runs: digests " + set)));
        }
    }

    private void createMetricTopics(EmbeddedKafkaBroker broker, GdsTopics topics) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            List<NewTopic> list = new ArrayList<>();
            for (String type : DATABASE_TYPES) {
                list.add(new NewTopic(topics.metricsTopic(type, "prod"), partitions, (short) 1));
            }
            admin.createTopics(list).all().get(60, TimeUnit.SECONDS);
        }
    }

    private void preload(EmbeddedKafkaBroker broker, GdsTopics topics) throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        GdsAvroSerializer<Metric> serializer = new GdsAvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", REGISTRY), false);
        Random random = new Random(42);
        int perCycle = instances * METRIC_NAMES.length;
        // Recent event times (the data spans metrics / 100,000 cycles of 30 s): data older than the resolved retention
        // (7 days) has its resolved states deleted by the wall-clock sweep at whatever moment it reaches them, which
        // made the events of two runs over the same data differ by incident number, whatever the Streams settings.
        Instant start = dataStart != null ? dataStart
                : Instant.now().minus(Duration.ofHours(2)).truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        System.out.println("data starts at " + start + " (--data-start " + start + " repeats it)");
        CheckedSends sends = new CheckedSends("metrics");
        // The topics were created a moment ago: one request in flight, or a send may be lost (see CheckedSends).
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(CheckedSends.oneRequestInFlight(config),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < metrics; i++) {
                int cycle = i / perCycle;
                int inCycle = i % perCycle;
                int instance = inCycle / METRIC_NAMES.length;
                String metricName = METRIC_NAMES[inCycle % METRIC_NAMES.length];
                String type = DATABASE_TYPES[instance % DATABASE_TYPES.length];
                String topic = topics.metricsTopic(type, "prod");
                double value = random.nextDouble() < 0.001 ? 150 : random.nextDouble() * 50;
                Metric metric = Metric.newBuilder()
                        .setTimestamp(start.plusSeconds(30L * cycle))
                        .setDatabaseType(type)
                        .setInstanceId(instanceId(instance))
                        .setMetricName(metricName)
                        .setValue(value)
                        .setTags(Map.of("environment", "prod", "region", "eu-west-" + (instance % 3 + 1)))
                        .setMetadata(new MetricMetadata(5L, "bench", "c" + cycle))
                        .build();
                sends.send(producer, new ProducerRecord<>(topic, metric.getInstanceId(), serializer.serialize(topic, metric)));
            }
            sends.flushAndCheck(producer);
        }
    }

    private static String instanceId(int i) {
        return String.format(Locale.ROOT, "db-%05d", i);
    }

    private List<Rule> rules(int count, String kind) {
        boolean expr = kind.equals("expr");
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < Math.min(count, METRIC_NAMES.length); i++) {
            rules.add(kind.startsWith("anomaly-") ? anomalyRule("fleet-" + i, METRIC_NAMES[i], kind)
                    : rule("fleet-" + i, METRIC_NAMES[i], List.of(), expr));
        }
        for (int i = METRIC_NAMES.length; i < count; i++) {
            if (i % 2 == 0) {
                rules.add(rule("pinned-" + i, METRIC_NAMES[i % METRIC_NAMES.length],
                        List.of(new Matcher("instance_id", MatchOp.EQ, instanceId(i % instances))), expr));
            } else {
                rules.add(rule("other-" + i, "other_metric_" + i, List.of(new Matcher("environment", MatchOp.EQ, "prod")), expr));
            }
        }
        return rules;
    }

    private static Rule rule(String id, String metric, List<Matcher> matchers, boolean expr) {
        Rule threshold = rule(id, metric, matchers);
        if (!expr) {
            return threshold;
        }
        threshold.setKind(RuleKind.EXPR);
        threshold.setSelector(new Selector("", matchers));
        threshold.setExpr(new com.gds.alerting.avro.ExprSpec("avg_over_time(" + metric + "[1m])", List.of()));
        return threshold;
    }

    private static Rule rule(String id, String metric, List<Matcher> matchers) {
        return Rule.newBuilder()
                .setRuleId(id)
                .setKind(RuleKind.THRESHOLD)
                .setSelector(new Selector(metric, matchers))
                .setConditions(List.of(new Condition(Severity.WARNING, Comparison.GT, 100.0, 90.0),
                        new Condition(Severity.CRITICAL, Comparison.GT, 140.0, null)))
                .setSummary("{{instance_id}} {{metric_name}} at {{value}}")
                .build();
    }

    /**
     * A fleet-wide anomaly rule with weekly seasonality in Europe/Paris (168 hour buckets per series) that
     * judges as soon as the hour's buckets hold 10 samples ({@code min_history} 0, so a 100-minute run is judged,
     * not only learned).
     */
    private static Rule anomalyRule(String id, String metric, String kind) {
        return Rule.newBuilder()
                .setRuleId(id)
                .setKind(RuleKind.ANOMALY)
                .setSelector(new Selector(metric, List.of()))
                .setAnomaly(com.gds.alerting.avro.AnomalySpec.newBuilder()
                        .setAlgorithm(kind.equals("anomaly-robust") ? com.gds.alerting.avro.AnomalyAlgorithm.ROBUST
                                : com.gds.alerting.avro.AnomalyAlgorithm.ADAPTIVE)
                        .setSeasonality(com.gds.alerting.avro.AnomalySeasonality.WEEKLY).setTimeZone("Europe/Paris")
                        .setMinHistoryMs(0L).build())
                .setSummary("{{instance_id}} {{metric_name}} at {{value}}σ from {{expected}}")
                .build();
    }

    private String measure(EmbeddedKafkaBroker broker, GdsTopics base, int ruleCount, String kind, int round, Long idleMs)
            throws Exception {
        String suffix = kind + "-" + ruleCount + "-r" + round + (idleMs == null ? "" : "-i" + idleMs);
        GdsTopics topics = new GdsTopics(base.metricsPrefix(), "bench.rules." + suffix, "bench.silences." + suffix, "bench.commands." + suffix,
                "bench.events." + suffix, "bench.dlq.metrics." + suffix, base.dlqNotifications(), "bench.dlq.rules." + suffix,
                "bench.rules.accepted." + suffix, "bench.results." + suffix, "bench.dlq.commands." + suffix);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            List<NewTopic> list = new ArrayList<>();
            for (String name : List.of(topics.rules(), topics.rulesAccepted(), topics.silences(), topics.ruleSettings(),
                    topics.ruleSettingsAccepted())) {
                list.add(new NewTopic(name, 1, (short) 1).configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, "compact")));
            }
            for (String name : List.of(topics.commands(), topics.events(), topics.dlqMetrics(), topics.dlqRules(),
                    topics.commandResults(), topics.dlqCommands())) {
                list.add(new NewTopic(name, name.equals(topics.commands()) ? partitions : 1, (short) 1));
            }
            admin.createTopics(list).all().get(60, TimeUnit.SECONDS);
        }
        List<Rule> rules = rules(ruleCount, kind);
        GdsAvroSerializer<Rule> ruleSerializer = new GdsAvroSerializer<>();
        ruleSerializer.configure(Map.of("schema.registry.url", REGISTRY), false);
        CheckedSends ruleSends = new CheckedSends("rules to " + topics.rulesAccepted());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(CheckedSends.oneRequestInFlight(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers())), new StringSerializer(), new ByteArraySerializer())) {
            // Straight into the accepted table, as after a restart: the global store is complete before the
            // stream thread starts, so every metric of the run is evaluated against every rule.
            for (Rule rule : rules) {
                ruleSends.send(producer, new ProducerRecord<>(topics.rulesAccepted(), rule.getRuleId(),
                        ruleSerializer.serialize(topics.rulesAccepted(), rule)));
            }
            ruleSends.flushAndCheck(producer);
        }

        AlertingTopologyConfig config = AlertingTopologyConfig.defaults(Map.of("schema.registry.url", REGISTRY))
                .withTopics(topics).withStoreKind(StoreKind.PERSISTENT);
        AlertingTopology alerting = AlertingTopology.build(config);
        Properties props = new Properties();
        props.putAll(AlertingTopology.requiredStreamsConfig());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-" + suffix);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(workDir, "state").toString());
        props.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        if (idleMs != null) {
            props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, idleMs);
        }
        Object idleInForce = props.getOrDefault(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, 0L);

        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        AtomicLong peakHeap = new AtomicLong();
        AtomicLong runningSince = new AtomicLong();
        try (KafkaStreams streams = new KafkaStreams(alerting.topology(), props)) {
            streams.setStateListener((now, before) -> {
                if (now == KafkaStreams.State.RUNNING) {
                    runningSince.compareAndSet(0, System.nanoTime());
                }
            });
            streams.start();
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (runningSince.get() == 0) {
                check(streams, deadline, "start");
                Thread.sleep(5);
            }
            ProcessCpu cpu = ProcessCpu.start();
            if (alerting.ruleBook().size() != ruleCount) {
                throw new IOException("rule table holds " + alerting.ruleBook().size() + " rules at RUNNING, expected " + ruleCount);
            }
            long start = runningSince.get();
            long done;
            while ((done = alerting.counters().get(Counter.METRICS_EVALUATED)
                    + alerting.counters().get(Counter.METRICS_DEAD_LETTERED)) < metrics) {
                check(streams, deadline, "drain " + metrics + " metrics (at " + done + ")");
                peakHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                Thread.sleep(50);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuPerMillion = cpu.cpuSecondsPerMillion(metrics);
            String cpuReport = cpu.report(metrics, "metrics");
            // Closed (its last transaction committed) before the events are read back, or some would be missing.
            if (!streams.close(Duration.ofSeconds(30))) {
                throw new IOException("streams did not close within 30 s: its last events may be uncommitted");
            }
            EventDigest digest = EventDigest.read(broker.bootstrapServers(), topics.events(), config.serdeConfig(),
                    workDir.resolve("events-" + suffix + ".txt"));
            String line = String.format(Locale.ROOT, "%-9s %6d %11.0f %9.1f %15d %8d %14.2f %9s   %s", kind, ruleCount,
                    metrics / seconds, seconds,
                    peakHeap.get() >> 20, alerting.counters().get(Counter.EVENTS), cpuPerMillion, idleInForce, digest.sha256());
            System.out.println("round " + round + ", " + ruleCount + " " + kind + " rules: drain " + cpuReport
                    + "; broker and harness in the same process");
            System.out.println("round " + round + ": " + line.trim() + " (evaluations "
                    + alerting.counters().get(Counter.EVALUATIONS) + ", expression evaluations "
                    + alerting.counters().get(Counter.EXPR_EVALUATIONS) + ", dead-lettered "
                    + alerting.counters().get(Counter.METRICS_DEAD_LETTERED) + ", events read back " + digest.events()
                    + " for " + digest.keys() + " alert keys + "
                    + digest.wallClockEvents() + " reminders/escalations left out, in " + workDir.resolve("events-" + suffix + ".txt")
                    + ", max.task.idle.ms " + idleInForce + ")");
            return line;
        }
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
