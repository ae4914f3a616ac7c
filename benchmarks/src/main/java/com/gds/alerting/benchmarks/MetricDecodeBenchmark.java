package com.gds.alerting.benchmarks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.MetricMetadata;
import com.gds.alerting.avro.serde.AvroClassTrust;
import com.gds.alerting.avro.serde.GdsAvroDeserializer;
import com.gds.alerting.avro.serde.GdsAvroSerializer;
import com.gds.alerting.avro.serde.InMemorySchemaRegistry;

/**
 * The decode part of the metric intake alone, no Kafka: {@code --metrics} Confluent wire-format
 * {@link Metric} payloads of a fleet ({@code --instances} instances × {@code --names} metric names,
 * two tags, a collection id per cycle), decoded by the intake's {@link GdsAvroDeserializer},
 * {@code --repeat} rounds (read the last: the JIT is warm). Prints per round the CPU-seconds per
 * million payloads and a checksum of what was decoded.
 *
 * <pre>
 * java -cp benchmarks/target/gds-benchmarks.jar com.gds.alerting.benchmarks.MetricDecodeBenchmark --metrics 1000000 --repeat 5
 * </pre>
 */
public final class MetricDecodeBenchmark {

    private MetricDecodeBenchmark() {
    }

    public static void main(String[] argv) {
        Map<String, String> args = BenchArgs.parse("MetricDecodeBenchmark", argv, "metrics", "instances", "names", "repeat");
        AvroClassTrust.install();
        int count = Integer.parseInt(args.getOrDefault("metrics", "1000000"));
        int instances = Integer.parseInt(args.getOrDefault("instances", "10000"));
        int names = Integer.parseInt(args.getOrDefault("names", "10"));
        int repeat = Integer.parseInt(args.getOrDefault("repeat", "5"));
        InMemorySchemaRegistry registry = InMemorySchemaRegistry.forScope("metric-decode-bench");
        GdsAvroSerializer<Metric> serializer = new GdsAvroSerializer<>(registry);
        String topic = "gds.metrics.postgresql.prod";
        List<byte[]> payloads = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int instance = i % instances;
            payloads.add(serializer.serialize(topic, Metric.newBuilder()
                    .setTimestamp(Instant.ofEpochMilli(1_765_000_000_000L + i / instances * 15_000L))
                    .setDatabaseType("postgresql").setInstanceId(String.format(Locale.ROOT, "pg-%05d", instance))
                    .setMetricName("metric_" + (i / instances) % names).setValue(i % 97)
                    .setTags(Map.of("environment", "prod", "region", "eu-west-" + instance % 3))
                    .setMetadata(new MetricMetadata(12L, "1.4.0", "cycle-" + instance + "-" + i / instances / names)).build()));
        }
        System.out.printf(Locale.ROOT, "%,d payloads, %,d instances, %d metric names, %.1f bytes each%n", count, instances, names,
                payloads.stream().mapToInt(b -> b.length).average().orElse(0));
        for (int round = 1; round <= repeat; round++) {
            GdsAvroDeserializer<Metric> general = new GdsAvroDeserializer<>(Metric.class, registry);
            ProcessCpu cpu = ProcessCpu.start();
            long sum = 0;
            for (byte[] p : payloads) {
                sum += checksum(general.deserialize(topic, p));
            }
            String generalFigure = cpu.report(count, "payloads");
            System.out.printf(Locale.ROOT, "round %d: %s; checksum %x%n", round, generalFigure, sum);
        }
    }

    private static long checksum(Metric m) {
        return m.getInstanceId().hashCode() * 31L + m.getMetricName().hashCode() + m.getTags().hashCode()
                + (long) m.getValue() + m.getTimestamp().toEpochMilli() + m.getMetadata().getCorrelationId().hashCode();
    }
}
