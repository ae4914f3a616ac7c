package com.gds.alerting.rulescli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.MetricMetadata;
import com.gds.alerting.avro.serde.AvroSerdes;
import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.contract.GdsTopics;
import com.gds.alerting.contract.TopicLayout;
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;
import com.gds.alerting.topologies.AlertingTopology;
import com.gds.alerting.topologies.AlertingTopologyConfig;
import com.gds.alerting.topologies.StoreKind;

/**
 * The three layers end to end on a real broker: a pack published with {@code gds-rules publish}, the platform
 * defaults and a tenant's settings with {@code gds-rules tenant publish --as ...}, the alerting topology
 * running under Kafka Streams, samples of two tenants; then {@code tenant offboard}.
 */
class TenantLayersEndToEndIT {

    private static final String SCOPE = "tenants-it-" + UUID.randomUUID();
    private static final String REGISTRY = InMemorySchemaRegistry.SCHEME + SCOPE;
    private static final Map<String, Object> SERDE = Map.of("schema.registry.url", REGISTRY);
    private static final GdsTopics TOPICS = GdsTopics.defaults();
    private static final String METRICS = TOPICS.metricsTopic("postgresql", "prod");
    private static EmbeddedKafkaBroker broker;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.startTemporary();
        TopicLayout.create(broker.bootstrapServers(), TOPICS, List.of(METRICS), 1);
    }

    @AfterAll
    static void stop() {
        broker.close();
        InMemorySchemaRegistry.dropScope(SCOPE);
    }

    private static void sample(String tenant, String instance, double value, Instant at) {
        Metric m = Metric.newBuilder().setTimestamp(at).setDatabaseType("postgresql").setInstanceId(instance)
                .setMetricName("connections_used_ratio").setValue(value)
                .setTags(Map.of("environment", "prod", "tenant", tenant)).setMetadata(new MetricMetadata(1L, "it", "c")).build();
        try (KafkaProducer<String, Metric> producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()),
                new StringSerializer(), AvroSerdes.valueSerde(Metric.class, SERDE).serializer())) {
            producer.send(new ProducerRecord<>(METRICS, instance, m));
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    @Test
    void aTenantsPublishedSettingsTakeEffectAndOffboardingRemovesThem() throws Exception {
        Path pack = CliRun.write(dir, "pack.yaml", """
                rules:
                  - id: conn
                    metric: connections_used_ratio
                    severities: {warning: '> 0.7'}
                """);
        Path platform = CliRun.write(dir, "platform.yaml", "layer: platform\nrules:\n  conn: {severities: {warning: '> 0.8'}}\n");
        Path acme = CliRun.write(dir, "acme.yaml", "layer: tenant\ntenant: acme\nrules:\n  conn: {severities: {warning: '> 0.9'}}\n");
        String[] kafka = {"--bootstrap", broker.bootstrapServers(), "--registry", REGISTRY};

        AlertingTopology alerting = AlertingTopology.build(AlertingTopologyConfig.defaults(SERDE).withStoreKind(StoreKind.IN_MEMORY));
        Properties props = new Properties();
        props.putAll(AlertingTopology.requiredStreamsConfig());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "tenants-it");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(dir, "state").toString());
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        try (KafkaStreams streams = new KafkaStreams(alerting.topology(), props)) {
            streams.start();
            CliRun rules = CliRun.of(concat(new String[] {"publish", pack.toString()}, kafka));
            assertEquals(0, rules.exit(), rules.toString());
            CliRun p = CliRun.of(concat(new String[] {"tenant", "publish", platform.toString(), "--as", "platform", "--by", "ops"}, kafka));
            assertEquals(0, p.exit(), p.toString());
            CliRun a = CliRun.of(concat(new String[] {"tenant", "publish", acme.toString(), "--as", "tenant:acme", "--by", "lead@acme"},
                    kafka));
            assertEquals(0, a.exit(), a.toString());
            await("the rule, the platform layer and acme's settings", () -> streams.state() == KafkaStreams.State.RUNNING
                    && alerting.ruleBook().size() == 1 && alerting.ruleBook().tenants().platform() != null
                    && alerting.ruleBook().tenants().tenantCount() == 1);
            assertEquals("lead@acme", alerting.ruleBook().tenants().tenant("acme").getUpdatedBy(), "the audit trail names the writer");

            Instant t0 = Instant.now().minusSeconds(30);
            sample("acme", "acme-db", 0.85, t0);
            sample("beta", "beta-db", 0.85, t0);
            sample("beta", "beta-db-2", 0.75, t0);
            List<AlertEvent> first = events(1);
            assertEquals(List.of("beta-db beta"), first.stream().map(e -> e.getInstanceId() + " " + e.getTenant()).toList(),
                    "acme runs to 0.9; beta follows the platform's 0.8, not the pack's 0.7");

            CliRun off = CliRun.of(concat(new String[] {"tenant", "offboard", "--tenant", "acme", "--by", "ops"}, kafka));
            assertEquals(0, off.exit(), off.toString());
            await("acme offboarded", () -> alerting.ruleBook().tenants().tenantCount() == 0);
            sample("acme", "acme-db", 0.85, t0.plusSeconds(10));
            List<AlertEvent> all = events(2);
            assertEquals("acme-db acme", all.get(all.size() - 1).getInstanceId() + " " + all.get(all.size() - 1).getTenant(),
                    "offboarded, acme follows the platform's 0.8");
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The committed events, read until {@code count} arrived (or a minute passed), then two seconds more. */
    private static List<AlertEvent> events(int count) {
        Map<String, Object> config = Map.of("bootstrap.servers", broker.bootstrapServers(), "group.id", "it-" + UUID.randomUUID(),
                "auto.offset.reset", "earliest", "isolation.level", "read_committed");
        List<AlertEvent> events = new ArrayList<>();
        try (KafkaConsumer<String, AlertEvent> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                AvroSerdes.valueSerde(AlertEvent.class, SERDE).deserializer())) {
            consumer.subscribe(List.of(TOPICS.events()));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            long quiet = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, quiet)) {
                for (ConsumerRecord<String, AlertEvent> r : consumer.poll(Duration.ofMillis(200))) {
                    events.add(r.value());
                }
                if (events.size() >= count && quiet == Long.MAX_VALUE) {
                    quiet = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                }
            }
        }
        return events;
    }
}
