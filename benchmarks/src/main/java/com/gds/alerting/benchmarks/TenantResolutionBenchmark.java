package com.gds.alerting.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

import com.gds.alerting.avro.Comparison;
import com.gds.alerting.avro.Condition;
import com.gds.alerting.avro.DimensionSetting;
import com.gds.alerting.avro.MatchOp;
import com.gds.alerting.avro.Matcher;
import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.MetricMetadata;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.RuleKind;
import com.gds.alerting.avro.RuleSetting;
import com.gds.alerting.avro.RuleSettings;
import com.gds.alerting.avro.Schedule;
import com.gds.alerting.avro.Selector;
import com.gds.alerting.avro.SettingMode;
import com.gds.alerting.avro.SettingsLayer;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.serde.AvroClassTrust;
import com.gds.alerting.avro.serde.AvroSerdes;
import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.contract.Tenants;
import com.gds.alerting.topologies.AlertingCounters.Counter;
import com.gds.alerting.topologies.AlertingTopology;
import com.gds.alerting.topologies.AlertingTopologyConfig;
import com.gds.alerting.topologies.StoreKind;
import com.gds.alerting.topologies.rules.CompiledRule;
import com.gds.alerting.topologies.rules.Levels;
import com.gds.alerting.topologies.rules.RuleBook;
import com.gds.alerting.topologies.rules.Series;

/**
 * Per-sample cost of resolving the three layers (README, "Tenants and the three layers") as the number
 * of tenants grows, at {@code --rules} rules (50) with every tenant setting every rule (custom with a
 * regex dimension, default, disabled, scheduled in turn) and the platform setting defaults for all.
 *
 * <p>Two measurements per tenant count (1, 10, 100, 1,000 by default), each as the CPU time of the measuring
 * thread (not the wall clock: the shared machines are loaded) and the best of several passes:
 * <ul>
 *   <li><b>resolution</b>: {@code CompiledRule.levelsAt} for samples of instances spread over all tenants,
 *   one thread, no Kafka — the work the tenant layers add to each evaluation; beside it the alternative
 *   the issue rules out, one rule per tenant and rule ({@code tenant="t"} matcher), whose candidates per
 *   sample grow with the tenants;</li>
 *   <li><b>topology</b>: the whole alerting topology on {@code TopologyTestDriver} (in-memory stores, Avro
 *   with the in-memory registry), samples piped one by one, µs and process CPU per sample.</li>
 * </ul>
 *
 * <pre>
 * java -cp benchmarks/target/gds-benchmarks.jar com.gds.alerting.benchmarks.TenantResolutionBenchmark \
 *     [--tenants 1,10,100,1000] [--rules 50] [--samples 200000] [--topology-samples 100000]
 * </pre>
 */
public final class TenantResolutionBenchmark {

    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    private final int rules;
    private final int instances;

    private TenantResolutionBenchmark(int rules, int instances) {
        this.rules = rules;
        this.instances = instances;
    }

    public static void main(String[] argv) throws Exception {
        AvroClassTrust.install();
        Map<String, String> args = BenchArgs.parse("TenantResolutionBenchmark", argv, "tenants", "rules", "instances", "samples",
                "topology-samples", "rounds");
        List<Integer> tenantCounts = new ArrayList<>();
        for (String n : args.getOrDefault("tenants", "1,10,100,1000").split(",")) {
            tenantCounts.add(Integer.parseInt(n.trim()));
        }
        int rules = Integer.parseInt(args.getOrDefault("rules", "50"));
        int samples = Integer.parseInt(args.getOrDefault("samples", "200000"));
        int topologySamples = Integer.parseInt(args.getOrDefault("topology-samples", "100000"));
        int instances = Integer.parseInt(args.getOrDefault("instances", "2000"));
        int rounds = Integer.parseInt(args.getOrDefault("rounds", "2"));
        TenantResolutionBenchmark bench = new TenantResolutionBenchmark(rules, instances);
        System.out.printf(Locale.ROOT, "%d rules, every tenant setting every rule; %d instances (instance i in tenant i mod tenants),"
                + " so the series sampled are the same %d whatever the tenant count%n", rules, instances, instances * rules);
        for (int round = 1; round <= rounds; round++) {
            System.out.printf(Locale.ROOT, "-- round %d%n", round);
            System.out.printf(Locale.ROOT, "%8s %12s %22s %24s %18s %22s%n", "tenants", "settings", "layers ns/sample",
                    "rule-per-tenant ns/smp", "topology µs/sample", "process CPU-s/M smp");
            for (int tenants : tenantCounts) {
                bench.round(tenants, samples, topologySamples);
            }
        }
    }

    private void round(int tenants, int samples, int topologySamples) throws Exception {
        // Layers: one rule book, the tenants' settings in its TenantBook.
        RuleBook book = new RuleBook();
        List<Rule> ruleList = new ArrayList<>();
        for (int r = 0; r < rules; r++) {
            ruleList.add(rule(r));
        }
        for (Rule rule : ruleList) {
            book.put(CompiledRule.compile(rule, book.tenants()));
        }
        book.tenants().putPlatform(platform());
        for (int t = 0; t < tenants; t++) {
            book.tenants().putTenant(tenantSettings(t));
        }
        List<Series> series = series(tenants);
        double layersNs = resolve(book, series, samples);

        // The alternative: one rule per (tenant, rule), selected by a tenant matcher; capped to keep it finite.
        RuleBook perTenant = new RuleBook();
        for (int t = 0; t < tenants; t++) {
            for (int r = 0; r < rules; r++) {
                Rule rule = Rule.newBuilder(rule(r)).setRuleId("r" + r + ".t" + t)
                        .setSelector(new Selector("m" + r, List.of(new Matcher(Tenants.TAG, MatchOp.EQ, tenant(t))))).build();
                perTenant.put(CompiledRule.compile(rule));
            }
        }
        double perTenantNs = candidates(perTenant, series, Math.max(2_000, samples / Math.max(1, tenants / 10)));

        double[] topology = topology(tenants, topologySamples);
        System.out.printf(Locale.ROOT, "%8d %12d %22.0f %24.0f %18.1f %22.2f%n", tenants, (long) tenants * rules, layersNs,
                perTenantNs, topology[0], topology[1]);
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
    private static final int REPEATS = 5;

    /**
     * CPU ns of this thread per sample, the best of {@value #REPEATS} passes after a warm-up pass: on a shared,
     * loaded machine the thread's own CPU time, not the wall clock, and the best pass, not the mean, say what the
     * work costs (preemption and other processes only ever add).
     */
    private static double bestNsPerSample(int samples, java.util.function.IntToLongFunction pass) {
        keep(pass.applyAsLong(samples));
        double best = Double.MAX_VALUE;
        for (int r = 0; r < REPEATS; r++) {
            long cpu = THREADS.getCurrentThreadCpuTime();
            keep(pass.applyAsLong(samples));
            best = Math.min(best, (THREADS.getCurrentThreadCpuTime() - cpu) / (double) samples);
        }
        return best;
    }

    /** ns per sample: every rule of the sample's metric (one here) selects it and resolves its levels. */
    private double resolve(RuleBook book, List<Series> series, int samples) {
        return bestNsPerSample(samples, n -> {
            long sink = 0;
            for (int i = 0; i < n; i++) {
                Series s = series.get(i % series.size());
                for (CompiledRule rule : book.fleetWide(s.metricName())) {
                    if (rule.selects(s)) {
                        Levels levels = rule.levelsAt(s, T0.toEpochMilli() + i);
                        sink += levels.levels().size();
                    }
                }
            }
            return sink;
        });
    }

    /** ns per sample to find the one rule (of the per-tenant copies) that selects it, then its levels. */
    private double candidates(RuleBook book, List<Series> series, int samples) {
        return resolve(book, series, samples);
    }

    /** µs per sample and process CPU-s per million samples through the whole topology. */
    private double[] topology(int tenants, int samples) throws Exception {
        Map<String, Object> serdeConfig = Map.of("schema.registry.url", InMemorySchemaRegistry.SCHEME + "tenant-bench-" + tenants
                + "-" + System.nanoTime());
        AlertingTopology alerting = AlertingTopology.build(AlertingTopologyConfig.defaults(serdeConfig).withStoreKind(StoreKind.IN_MEMORY));
        Path stateDir = Files.createTempDirectory("tenant-bench");
        Properties props = new Properties();
        props.putAll(AlertingTopology.requiredStreamsConfig());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "tenant-bench");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        var topics = com.gds.alerting.contract.GdsTopics.defaults();
        try (TopologyTestDriver driver = new TopologyTestDriver(alerting.topology(), props, T0.plusSeconds(3600))) {
            TestInputTopic<String, Rule> ruleTopic = driver.createInputTopic(topics.rules(), new StringSerializer(),
                    serde(Rule.class, serdeConfig).serializer());
            for (int r = 0; r < rules; r++) {
                ruleTopic.pipeInput("r" + r, rule(r));
            }
            TestInputTopic<String, RuleSettings> settings = driver.createInputTopic(topics.ruleSettings(), new StringSerializer(),
                    serde(RuleSettings.class, serdeConfig).serializer());
            RecordHeaders platformActor = new RecordHeaders();
            new Tenants.Actor("bench", Tenants.Role.PLATFORM, null).writeTo(platformActor);
            settings.pipeInput(new TestRecord<>(Tenants.PLATFORM_KEY, platform(), platformActor, T0));
            for (int t = 0; t < tenants; t++) {
                settings.pipeInput(new TestRecord<>(Tenants.settingsKey(tenant(t)), tenantSettings(t), platformActor, T0));
            }
            if (alerting.ruleBook().tenants().tenantCount() != tenants || alerting.ruleBook().size() != rules) {
                throw new IllegalStateException("settings table holds " + alerting.ruleBook().tenants().tenantCount()
                        + " tenants and " + alerting.ruleBook().size() + " rules, expected " + tenants + " and " + rules);
            }
            TestInputTopic<String, Metric> metrics = driver.createInputTopic("gds.metrics.postgresql.prod", new StringSerializer(),
                    serde(Metric.class, serdeConfig).serializer());
            List<Series> series = series(tenants);
            List<Metric> prepared = new ArrayList<>(series.size());
            for (Series s : series) {
                prepared.add(Metric.newBuilder().setTimestamp(T0).setDatabaseType("postgresql").setInstanceId(s.instanceId())
                        .setMetricName(s.metricName()).setValue(50).setTags(s.tags())
                        .setMetadata(new MetricMetadata(1L, "bench", "c")).build());
            }
            int warm = Math.min(samples / 4, 20_000);
            pipe(metrics, prepared, 0, warm);
            int piped = warm;
            double bestMicros = Double.MAX_VALUE;
            ProcessCpu cpu = ProcessCpu.start();
            for (int r = 0; r < 3; r++) {
                long threadCpu = THREADS.getCurrentThreadCpuTime();
                pipe(metrics, prepared, piped, samples);
                piped += samples;
                bestMicros = Math.min(bestMicros, (THREADS.getCurrentThreadCpuTime() - threadCpu) / 1000.0 / samples);
            }
            double cpuPerMillion = cpu.cpuSecondsPerMillion(3L * samples);
            long evaluated = alerting.counters().get(Counter.METRICS_EVALUATED);
            if (evaluated != piped) {
                throw new IllegalStateException("evaluated " + evaluated + " of " + piped + " samples");
            }
            return new double[] {bestMicros, cpuPerMillion};
        }
    }

    private static void pipe(TestInputTopic<String, Metric> topic, List<Metric> prepared, int from, int count) {
        // Timestamps keep increasing across passes, so every sample is a new evaluation, never late.
        for (int i = 0; i < count; i++) {
            int n = from + i;
            Metric m = prepared.get(n % prepared.size());
            m.setTimestamp(T0.plusMillis(n));
            topic.pipeInput(m.getInstanceId(), m, T0.plusMillis(n));
        }
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> Serde<T> serde(Class<T> type, Map<String, ?> config) {
        return AvroSerdes.valueSerde(type, config);
    }

    /**
     * Samples of every rule's metric on every instance, instance i in tenant i mod {@code tenants}, with a
     * tablespace tag: the same number of series whatever the tenant count, so only the tenants vary.
     */
    private List<Series> series(int tenants) {
        List<Series> out = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            Map<String, String> tags = new HashMap<>();
            tags.put(Tenants.TAG, tenant(i % tenants));
            tags.put("environment", "prod");
            tags.put("tablespace", i % 2 == 0 ? "users_01" : "orders");
            for (int r = 0; r < rules; r++) {
                out.add(new Series("m" + r, "db-" + i, "postgresql", "prod", Map.copyOf(tags)));
            }
        }
        // Interleave tenants so consecutive samples hit different tenants (no accidental cache locality).
        java.util.Collections.shuffle(out, new java.util.Random(7));
        return out;
    }

    private static String tenant(int t) {
        return "t" + t;
    }

    private static Rule rule(int r) {
        return Rule.newBuilder().setRuleId("r" + r).setKind(RuleKind.THRESHOLD)
                .setSelector(new Selector("m" + r, List.of()))
                .setConditions(List.of(above(Severity.WARNING, 80), above(Severity.CRITICAL, 95))).build();
    }

    private RuleSettings platform() {
        List<RuleSetting> settings = new ArrayList<>();
        for (int r = 0; r < rules; r++) {
            settings.add(RuleSetting.newBuilder().setRuleId("r" + r).setMode(SettingMode.CUSTOM).setFixed(r == 0)
                    .setConditions(List.of(above(Severity.WARNING, 85))).build());
        }
        return RuleSettings.newBuilder().setLayer(SettingsLayer.PLATFORM).setRules(settings).build();
    }

    /** Every rule set: custom with a regex dimension, default, disabled and scheduled, in turn (rule 0 is fixed: default). */
    private RuleSettings tenantSettings(int t) {
        List<RuleSetting> settings = new ArrayList<>();
        for (int r = 0; r < rules; r++) {
            RuleSetting.Builder s = RuleSetting.newBuilder().setRuleId("r" + r);
            switch (r == 0 ? 1 : r % 4) {
                case 0 -> s.setMode(SettingMode.CUSTOM).setConditions(List.of(above(Severity.WARNING, 90)))
                        .setDimensions(List.of(new DimensionSetting(List.of(new Matcher("tablespace", MatchOp.RE, "users_.*")),
                                SettingMode.CUSTOM, List.of(above(Severity.WARNING, 97)))));
                case 1 -> s.setMode(SettingMode.DEFAULT);
                case 2 -> s.setMode(SettingMode.DISABLED);
                default -> s.setMode(SettingMode.CUSTOM).setConditions(List.of(above(Severity.WARNING, 70)))
                        .setSchedules(List.of(new Schedule("Europe/Paris", List.of(), "22:00", "06:00", List.of(above(Severity.WARNING, 99)))));
            }
            settings.add(s.build());
        }
        return RuleSettings.newBuilder().setLayer(SettingsLayer.TENANT).setTenant(tenant(t)).setRules(settings).build();
    }

    private static Condition above(Severity severity, double threshold) {
        return new Condition(severity, Comparison.GT, threshold, null);
    }

    private static volatile long blackhole;

    private static void keep(long value) {
        blackhole += value;
    }
}
