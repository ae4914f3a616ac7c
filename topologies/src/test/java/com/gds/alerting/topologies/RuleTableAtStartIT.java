package com.gds.alerting.topologies;

import static com.gds.alerting.topologies.TestRules.above;
import static com.gds.alerting.topologies.TestRules.threshold;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.MetricMetadata;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.avro.serde.AvroSerdes;
import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.contract.GdsTopics;
import com.gds.alerting.contract.TopicLayout;
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;
import com.gds.alerting.topologies.AlertingCounters.Counter;

/**
 * What a start guarantees about the rule table, on a real broker, RocksDB and exactly-once: every rule
 * on the accepted-rules topic when {@link KafkaStreams} starts is in force before the first metric is
 * evaluated, on a first start and on a restart from the persistent global store. Kafka Streams (4.x)
 * restores a global store to the end offsets it reads at start, through the store's own processor
 * (KAFKA-7663), before it starts any stream thread. A metric evaluated against a partial rule book would
 * lose its alert without a trace, so this pins the guarantee the rule table relies on.
 */
class RuleTableAtStartIT {

    private static final String SCOPE = "rule-table-it-" + UUID.randomUUID();
    private static final Map<String, Object> SERDE = Map.of("schema.registry.url", InMemorySchemaRegistry.SCHEME + SCOPE);
    /** Several partitions of the accepted-rules topic, so the restore reads each up to its own end offset. */
    private static final int PARTITIONS = 3;
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.startTemporary();
    }

    /** Topics of one test alone (the metrics pattern too), created with {@link #PARTITIONS} partitions. */
    private static GdsTopics topics(String name) throws Exception {
        GdsTopics topics = new GdsTopics(name + ".metrics", name + ".rules", name + ".silences", name + ".commands",
                name + ".events", name + ".dlq.metrics", name + ".dlq.notifications", name + ".dlq.rules",
                name + ".rules.accepted", name + ".command-results", name + ".dlq.commands");
        TopicLayout.create(broker.bootstrapServers(), topics, List.of(metrics(topics)), PARTITIONS);
        return topics;
    }

    private static String metrics(GdsTopics topics) {
        return topics.metricsTopic("postgresql", "prod");
    }

    @AfterAll
    static void stop() {
        broker.close();
        InMemorySchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void everyAcceptedRuleIsInForceBeforeTheFirstMetricIsEvaluated() throws Exception {
        GdsTopics topics = topics("first");
        int rules = 300;
        Instant at = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        List<Rule> all = IntStream.range(0, rules).mapToObj(i -> rule("first-" + i)).toList();
        sendAll(topics.rulesAccepted(), Rule.class, all.stream().collect(Collectors.toMap(r -> r.getRuleId().toString(), r -> r)));
        // One breaching sample per rule, already waiting when the application starts: each is evaluated once.
        sendAll(metrics(topics), Metric.class, all.stream().collect(Collectors.toMap(r -> "db-" + r.getRuleId(), r -> breach(r, at))));

        AlertingTopology alerting = build(topics);
        AtomicInteger rulesAtRunning = new AtomicInteger(-1);
        try (KafkaStreams streams = streams(alerting, "rule-table-first", newStateDir())) {
            streams.setStateListener((now, before) -> {
                if (now == KafkaStreams.State.RUNNING) {
                    rulesAtRunning.compareAndSet(-1, alerting.ruleBook().size());
                }
            });
            streams.start();
            Set<String> fired = firedRules(topics, rules);
            assertEquals(rules, rulesAtRunning.get(), "rules in the book when the application reached RUNNING");
            assertEquals(rules, alerting.counters().get(Counter.METRICS_EVALUATED), "every sample evaluated once");
            assertEquals(ids(all), fired, "each rule fired for its sample: none was evaluated before its rule was in the book");
            streams.close(Duration.ofSeconds(30));
        }
    }

    @Test
    void aRestartHoldsTheStoredRulesAndTheChangesMadeWhileItWasDown() throws Exception {
        GdsTopics topics = topics("restart");
        Path stateDir = newStateDir();
        List<Rule> before = IntStream.range(0, 100).mapToObj(i -> rule("restart-" + i)).toList();
        sendAll(topics.rulesAccepted(), Rule.class, before.stream().collect(Collectors.toMap(r -> r.getRuleId().toString(), r -> r)));
        AlertingTopology first = build(topics);
        int existing;
        try (KafkaStreams streams = streams(first, "rule-table-restart", stateDir)) {
            streams.start();
            awaitRunning(streams);
            existing = first.ruleBook().size();
            assertEquals(100, existing);
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(30)));
        }

        // While it is down: 50 rules added, 20 of the first ones deleted.
        List<Rule> added = IntStream.range(100, 150).mapToObj(i -> rule("restart-" + i)).toList();
        sendAll(topics.rulesAccepted(), Rule.class, added.stream().collect(Collectors.toMap(r -> r.getRuleId().toString(), r -> r)));
        Map<String, Rule> deletions = new java.util.HashMap<>();
        IntStream.range(0, 20).forEach(i -> deletions.put("restart-" + i, null));
        sendAll(topics.rulesAccepted(), Rule.class, deletions);

        Instant at = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        List<Rule> inForce = new ArrayList<>(before.subList(20, 100));
        inForce.addAll(added);
        sendAll(metrics(topics), Metric.class, inForce.stream().collect(Collectors.toMap(r -> "db-" + r.getRuleId(), r -> breach(r, at))));

        AlertingTopology second = build(topics);
        AtomicInteger rulesAtRunning = new AtomicInteger(-1);
        try (KafkaStreams streams = streams(second, "rule-table-restart", stateDir)) {
            streams.setStateListener((now, was) -> {
                if (now == KafkaStreams.State.RUNNING) {
                    rulesAtRunning.compareAndSet(-1, second.ruleBook().size());
                }
            });
            streams.start();
            Set<String> fired = firedRules(topics, inForce.size());
            int expected = existing - 20 + 50;
            assertEquals(expected, rulesAtRunning.get(), "rules in the book at RUNNING: the stored ones, less 20, plus 50");
            assertEquals(expected, second.ruleBook().size());
            assertEquals(ids(inForce), fired, "each rule in force fired for its sample, no deleted rule did");
            streams.close(Duration.ofSeconds(30));
        }
    }

    private static AlertingTopology build(GdsTopics topics) {
        return AlertingTopology.build(AlertingTopologyConfig.defaults(SERDE).withTopics(topics).withStoreKind(StoreKind.PERSISTENT));
    }

    private static Rule rule(String id) {
        return threshold(id, "metric_" + id, List.of(above(Severity.CRITICAL, 10))).build();
    }

    private static Metric breach(Rule rule, Instant at) {
        return Metric.newBuilder().setTimestamp(at).setDatabaseType("postgresql").setInstanceId("db-" + rule.getRuleId())
                .setMetricName(rule.getSelector().getMetricName()).setValue(50)
                .setTags(Map.of("environment", "prod")).setMetadata(new MetricMetadata(1L, "it", "c")).build();
    }

    private static Set<String> ids(List<Rule> rules) {
        return rules.stream().map(r -> r.getRuleId().toString()).collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * Sends every value keyed by its key (a null value is a tombstone) and waits for each acknowledgement: one
     * request in flight, since the topics are fresh (an idempotent producer with several in flight to a partition
     * created a moment ago can lose its first batch on Kafka before 4.5, KAFKA-15591).
     */
    private static <T extends org.apache.avro.specific.SpecificRecord> void sendAll(String topic, Class<T> type,
            Map<String, T> values) throws Exception {
        try (KafkaProducer<String, T> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(), ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1), new StringSerializer(),
                AvroSerdes.valueSerde(type, SERDE).serializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            values.forEach((key, value) -> sent.add(producer.send(new ProducerRecord<>(topic, key, value))));
            for (Future<RecordMetadata> f : sent) {
                f.get(60, TimeUnit.SECONDS);
            }
        }
    }

    private static Path newStateDir() throws Exception {
        Files.createDirectories(Path.of("target"));
        return Files.createTempDirectory(Path.of("target"), "rule-table-it-state");
    }

    private static KafkaStreams streams(AlertingTopology alerting, String applicationId, Path stateDir) {
        Properties props = new Properties();
        props.putAll(AlertingTopology.requiredStreamsConfig());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        return new KafkaStreams(alerting.topology(), props);
    }

    private static void awaitRunning(KafkaStreams streams) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (streams.state() != KafkaStreams.State.RUNNING && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(KafkaStreams.State.RUNNING, streams.state());
    }

    /**
     * The rule ids of the committed FIRED events on the events topic of {@code topics}, read until {@code count} arrived (or a
     * minute passed), then two more seconds, so that an extra one would be seen too.
     */
    private static Set<String> firedRules(GdsTopics topics, int count) {
        Map<String, Object> config = Map.of("bootstrap.servers", broker.bootstrapServers(), "group.id", "it-" + UUID.randomUUID(),
                "auto.offset.reset", "earliest", "isolation.level", "read_committed");
        Set<String> fired = new TreeSet<>();
        try (KafkaConsumer<String, AlertEvent> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                AvroSerdes.valueSerde(AlertEvent.class, SERDE).deserializer())) {
            consumer.subscribe(List.of(topics.events()));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, quietUntil)) {
                for (ConsumerRecord<String, AlertEvent> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value().getTransition() == Transition.FIRED) {
                        fired.add(r.value().getRuleId().toString());
                    }
                }
                if (fired.size() >= count && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                }
            }
        }
        return fired;
    }
}
