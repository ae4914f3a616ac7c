package com.gds.alerting.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import com.gds.alerting.avro.Comparison;
import com.gds.alerting.avro.Condition;
import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.MetricMetadata;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.RuleKind;
import com.gds.alerting.avro.Selector;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.SliKind;
import com.gds.alerting.avro.SloSpec;
import com.gds.alerting.avro.internal.SloStatus;
import com.gds.alerting.avro.serde.AvroClassTrust;
import com.gds.alerting.avro.serde.AvroSerdes;
import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.topologies.AlertingCounters.Counter;
import com.gds.alerting.topologies.AlertingTopology;
import com.gds.alerting.topologies.AlertingTopologyConfig;
import com.gds.alerting.contract.GdsTopics;
import com.gds.alerting.topologies.StoreKind;

/**
 * The CPU an SLO sample costs the topology, against a threshold sample, without a broker: the real
 * topology on Kafka Streams' {@link TopologyTestDriver} (one thread, the production stores — RocksDB
 * by default — with the record cache; no changelog or broker, so the figure is the topology's own
 * work: intake, rule lookup, SLO or alert state read-modify-write and its serde). The fleet is
 * {@code SloBenchmark}'s: {@code --slos} rules over {@code --instances} instances, half THRESHOLD
 * SLIs ({@code avail_<s> == 1}) and half RATIO SLIs ({@code req_total_<s>}, {@code req_failed_<s>}),
 * 30-day period with the default burn windows, {@code --cycles} collections 15 s apart, ~0.1% bad.
 * {@code --kind threshold} runs the same metrics against threshold rules on the same metric names
 * ({@code > 2}, never breached) for the ratio. Prints the CPU-seconds per million metrics of each
 * round and, for SLO rules, a digest of every slo-state value read back, so two builds can be checked
 * to hold the same states.
 *
 * <pre>
 * java -cp benchmarks/target/gds-benchmarks.jar com.gds.alerting.benchmarks.SloCpuBenchmark --slos 300 --instances 1000 --kind slo,threshold --repeat 2
 * </pre>
 */
public final class SloCpuBenchmark {

    private SloCpuBenchmark() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = BenchArgs.parse("SloCpuBenchmark", argv, "slos", "instances", "cycles", "kind", "repeat",
                "store-kind");
        AvroClassTrust.install();
        int slos = Integer.parseInt(args.getOrDefault("slos", "300"));
        int instances = Integer.parseInt(args.getOrDefault("instances", "1000"));
        int cycles = Integer.parseInt(args.getOrDefault("cycles", "2"));
        int repeat = Integer.parseInt(args.getOrDefault("repeat", "2"));
        List<String> kinds = List.of(args.getOrDefault("kind", "slo,threshold").split(","));
        StoreKind storeKind = StoreKind.valueOf(
                args.getOrDefault("store-kind", "IN_MEMORY").toUpperCase(Locale.ROOT));
        for (int round = 1; round <= repeat; round++) {
            for (String kind : kinds) {
                run(kind.trim(), slos, instances, cycles, round, storeKind);
            }
        }
    }

    private static boolean ratio(int s) {
        return s % 2 == 1;
    }

    private static void run(String kind, int slos, int instances, int cycles, int round, StoreKind storeKind)
            throws Exception {
        boolean slo = kind.equals("slo");
        if (!slo && !kind.equals("threshold")) {
            throw new IllegalArgumentException("--kind takes slo and threshold, not '" + kind + "'");
        }
        String scope = "slo-cpu-" + kind + "-" + round;
        Map<String, Object> serdeConfig = Map.of("schema.registry.url", InMemorySchemaRegistry.SCHEME + scope);
        AlertingTopology alerting = AlertingTopology.build(AlertingTopologyConfig.defaults(serdeConfig).withStoreKind(storeKind));
        GdsTopics topics = GdsTopics.defaults();
        Path stateDir = Files.createTempDirectory("slo-cpu");
        Properties props = new Properties();
        props.putAll(AlertingTopology.requiredStreamsConfig());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, scope);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        Instant start = Instant.parse("2026-11-01T00:00:00Z");
        try (TopologyTestDriver driver = new TopologyTestDriver(alerting.topology(), props, start.plusSeconds(60))) {
            TestInputTopic<String, Rule> rules = driver.createInputTopic(topics.rules(), new StringSerializer(),
                    AvroSerdes.valueSerde(Rule.class, serdeConfig).serializer());
            TestInputTopic<String, Metric> metrics = driver.createInputTopic(topics.metricsTopic("postgresql", "prod"),
                    new StringSerializer(), AvroSerdes.valueSerde(Metric.class, serdeConfig).serializer());
            for (int s = 0; s < slos; s++) {
                Rule rule = slo ? sloRule(s) : thresholdRule(s);
                rules.pipeInput(rule.getRuleId(), rule);
            }
            Random random = new Random(42);
            long sent = 0;
            ProcessCpu cpu = ProcessCpu.start();
            for (int c = 0; c < cycles; c++) {
                Instant at = start.plusSeconds(15L * c);
                for (int i = 0; i < instances; i++) {
                    String instance = String.format(Locale.ROOT, "db-%05d", i);
                    for (int s = 0; s < slos; s++) {
                        boolean badSample = random.nextDouble() < 0.001;
                        if (ratio(s)) {
                            metrics.pipeInput(instance, metric(instance, "req_total_" + s, 1_000.0 * (c + 1), at), at);
                            metrics.pipeInput(instance, metric(instance, "req_failed_" + s, badSample ? 10.0 * (c + 1) : 0, at), at);
                            sent += 2;
                        } else {
                            metrics.pipeInput(instance, metric(instance, "avail_" + s, badSample ? 0 : 1, at), at);
                            sent++;
                        }
                    }
                }
            }
            String figure = cpu.report(sent, "metrics");
            String digest = "";
            if (slo) {
                KeyValueStore<String, SloStatus> store = driver.getKeyValueStore(AlertingTopology.Names.SLO_STORE);
                long entries = 0;
                long hash = 0;
                try (KeyValueIterator<String, SloStatus> it = store.all()) {
                    while (it.hasNext()) {
                        KeyValue<String, SloStatus> kv = it.next();
                        entries++;
                        hash = hash * 31 + (kv.key + "=" + kv.value).hashCode();
                    }
                }
                digest = String.format(Locale.ROOT, "; %,d slo-state entries, digest %016x", entries, hash);
            }
            System.out.printf(Locale.ROOT, "round %d, %s rules: %s; %,d evaluations, %,d events%s%n", round, kind, figure,
                    alerting.counters().get(Counter.EVALUATIONS), alerting.counters().get(Counter.EVENTS), digest);
        }
    }

    private static Metric metric(String instance, String name, double value, Instant at) {
        return Metric.newBuilder().setTimestamp(at).setDatabaseType("postgresql").setInstanceId(instance).setMetricName(name)
                .setValue(value).setTags(Map.of("environment", "prod")).setMetadata(new MetricMetadata(5L, "bench", "c")).build();
    }

    /** SloBenchmark's rules. */
    private static Rule sloRule(int s) {
        SloSpec spec = ratio(s)
                ? SloSpec.newBuilder().setSli(SliKind.RATIO).setTotalMetric("req_total_" + s).setBadMetric("req_failed_" + s)
                        .setObjective(0.999).setPeriodMs(Duration.ofDays(30).toMillis()).build()
                : SloSpec.newBuilder().setSli(SliKind.THRESHOLD).setGoodOp(Comparison.EQ).setGoodThreshold(1.0)
                        .setObjective(0.999).setPeriodMs(Duration.ofDays(30).toMillis()).build();
        return Rule.newBuilder().setRuleId("slo-" + s).setKind(RuleKind.SLO)
                .setSelector(new Selector(ratio(s) ? "req_total_" + s : "avail_" + s, List.of())).setSlo(spec).build();
    }

    /** A threshold rule per metric name the SLO rules read, never breached by this fleet. */
    private static Rule thresholdRule(int s) {
        return Rule.newBuilder().setRuleId("thr-" + s).setKind(RuleKind.THRESHOLD)
                .setSelector(new Selector(ratio(s) ? "req_total_" + s : "avail_" + s, List.of()))
                .setConditions(List.of(new Condition(Severity.WARNING, Comparison.GT, 1e12, null))).build();
    }
}
