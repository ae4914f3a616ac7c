package com.gds.alerting.topologies;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.UnaryOperator;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

import com.gds.alerting.avro.AlertCommand;
import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.CommandResult;
import com.gds.alerting.avro.CommandType;
import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.MetricMetadata;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.Silence;
import com.gds.alerting.avro.internal.AlertStatus;
import com.gds.alerting.avro.internal.SloStatus;
import com.gds.alerting.avro.serde.AvroSerdes;
import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.contract.GdsTopics;

/**
 * The production topology on a {@link TopologyTestDriver}, with in-memory stores, its own
 * in-memory schema-registry scope and a temporary state directory; typed input and output topics.
 */
public final class AlertingFixture implements AutoCloseable {

    /** Monday 2 March 2026, 10:00 UTC: event time and wall clock start here. */
    public static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    public static final String METRICS_TOPIC = "gds.metrics.postgresql.prod";

    private final String scope = "topology-test-" + UUID.randomUUID();
    private final Path stateDir;
    private final AlertingTopology alerting;
    private final TopologyTestDriver driver;
    private final GdsTopics topics = GdsTopics.defaults();
    private final TestInputTopic<String, Metric> metrics;
    private final TestInputTopic<String, Rule> rules;
    private final TestInputTopic<String, AlertCommand> commands;
    private final TestOutputTopic<String, AlertEvent> events;
    private final TestOutputTopic<String, AlertEvent> shadowEvents;
    private final TestOutputTopic<String, CommandResult> results;
    private final TestInputTopic<String, Silence> silences;
    private final Map<String, Object> serdeConfig;
    private Instant wallClock;

    /** A fixture whose wall clock starts at {@link #T0}. */
    public AlertingFixture() {
        this(T0);
    }

    /** A fixture whose wall clock starts at {@code wallClockStart} (samples may not be ahead of it by more than 5 min). */
    public AlertingFixture(Instant wallClockStart) {
        this(wallClockStart, "alerting-test", UnaryOperator.identity());
    }

    /**
     * A fixture with its own {@code application.id} (a separate deployment, fresh state) and a
     * topology configuration changed by {@code configure} from the defaults.
     */
    public AlertingFixture(Instant wallClockStart, String applicationId, UnaryOperator<AlertingTopologyConfig> configure) {
        wallClock = wallClockStart;
        serdeConfig = Map.of("schema.registry.url", InMemorySchemaRegistry.SCHEME + scope);
        try {
            stateDir = Files.createTempDirectory("alerting-ttd");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        alerting = AlertingTopology.build(configure.apply(AlertingTopologyConfig.defaults(serdeConfig).withStoreKind(StoreKind.IN_MEMORY)));
        Properties props = new Properties();
        props.putAll(AlertingTopology.requiredStreamsConfig());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(alerting.topology(), props, wallClockStart);
        metrics = driver.createInputTopic(METRICS_TOPIC, new StringSerializer(), serde(Metric.class).serializer());
        rules = driver.createInputTopic(topics.rules(), new StringSerializer(), serde(Rule.class).serializer());
        commands = driver.createInputTopic(topics.commands(), new StringSerializer(), serde(AlertCommand.class).serializer());
        events = driver.createOutputTopic(topics.events(), new StringDeserializer(), serde(AlertEvent.class).deserializer());
        shadowEvents = driver.createOutputTopic(topics.shadowEvents(), new StringDeserializer(),
                serde(AlertEvent.class).deserializer());
        results = driver.createOutputTopic(topics.commandResults(), new StringDeserializer(),
                serde(CommandResult.class).deserializer());
        silences = driver.createInputTopic(topics.silences(), new StringSerializer(), serde(Silence.class).serializer());
    }

    private <T extends org.apache.avro.specific.SpecificRecord> Serde<T> serde(Class<T> type) {
        return AvroSerdes.valueSerde(type, serdeConfig);
    }

    public void rule(Rule rule) {
        rules.pipeInput(rule.getRuleId(), rule);
    }

    public void deleteRule(String ruleId) {
        rules.pipeInput(ruleId, null);
    }

    /** Publishes platform or tenant settings on {@code gds.rule-settings} as {@code actor} (headers); null value = delete. */
    public void settings(String key, com.gds.alerting.avro.RuleSettings value, com.gds.alerting.contract.Tenants.Actor actor) {
        org.apache.kafka.common.header.internals.RecordHeaders headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        actor.writeTo(headers);
        driver.createInputTopic(topics.ruleSettings(), new StringSerializer(), serde(com.gds.alerting.avro.RuleSettings.class).serializer())
                .pipeInput(new TestRecord<>(key, value, headers, wallClock));
    }

    /** Publishes a silence on {@code gds.silences}, as the REST API does. */
    public void silence(Silence silence) {
        silences.pipeInput(silence.getSilenceId(), silence);
    }

    /** Deletes a silence (a tombstone), as {@code DELETE /api/v1/silences/{id}} does. */
    public void deleteSilence(String silenceId) {
        silences.pipeInput(silenceId, null);
    }

    /** A sample of {@code metric} on {@code instance} (PostgreSQL, prod) measured at {@code at}. */
    public void sample(String instance, String metric, double value, Instant at) {
        sample(instance, metric, value, at, Map.of("environment", "prod", "region", "eu-west-1"));
    }

    public void sample(String instance, String metric, double value, Instant at, Map<String, String> tags) {
        Metric m = Metric.newBuilder()
                .setTimestamp(at)
                .setDatabaseType("postgresql")
                .setInstanceId(instance)
                .setMetricName(metric)
                .setValue(value)
                .setTags(tags)
                .setMetadata(new MetricMetadata(3L, "test", "cycle-" + at.toEpochMilli()))
                .build();
        metrics.pipeInput(instance, m, at);
    }

    /** Raw bytes on a topic, as a broken producer would send them. */
    public void raw(String topic, String key, byte[] value) {
        driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer())
                .pipeInput(key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
    }

    /** Raw bytes with headers, as {@code gds-rules dlq replay} re-sends a dead letter. */
    public void raw(String topic, String key, byte[] value, org.apache.kafka.common.header.Headers headers) {
        driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer())
                .pipeInput(new TestRecord<>(key == null ? null : key.getBytes(StandardCharsets.UTF_8), value, headers, T0));
    }

    /** {@code record} in the wire format, registered in this fixture's registry scope. */
    public <T extends org.apache.avro.specific.SpecificRecord> byte[] encode(String topic, T record) {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) record.getClass();
        return serde(type).serializer().serialize(topic, record);
    }

    public AlertCommand command(CommandType type, String alertKey, String by, Long incident) {
        AlertCommand command = AlertCommand.newBuilder()
                .setCommandId(UUID.randomUUID().toString())
                .setAlertKey(alertKey)
                .setType(type)
                .setBy(by)
                .setComment("looking at it")
                .setIssuedAt(wallClock)
                .setIncident(incident)
                .build();
        send(command);
        return command;
    }

    public void send(AlertCommand command) {
        commands.pipeInput(command.getAlertKey(), command);
    }

    /** Moves the wall clock (and runs the punctuations that become due). */
    public void advanceWallClock(Duration by) {
        wallClock = wallClock.plus(by);
        driver.advanceWallClockTime(by);
    }

    public Instant wallClock() {
        return wallClock;
    }

    public List<AlertEvent> events() {
        return events.readValuesToList();
    }

    /** What the shadow rules wrote on {@code gds.alerts.shadow} since the last call. */
    public List<AlertEvent> shadowEvents() {
        return shadowEvents.readValuesToList();
    }

    public List<TestRecord<String, AlertEvent>> eventRecords() {
        return events.readRecordsToList();
    }

    public List<CommandResult> results() {
        return results.readValuesToList();
    }

    public List<TestRecord<byte[], byte[]>> deadLetters(String topic) {
        return driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer()).readRecordsToList();
    }

    public static String header(TestRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    public AlertStatus state(String alertKey) {
        KeyValueStore<String, AlertStatus> store = driver.getKeyValueStore(AlertingTopology.Names.ALERT_STATE_STORE);
        return store.get(alertKey);
    }

    /** The SLO store's value for {@code ruleId:instanceId}. */
    public SloStatus slo(String ruleId, String instanceId) {
        KeyValueStore<String, SloStatus> store = driver.getKeyValueStore(AlertingTopology.Names.SLO_STORE);
        return store.get(ruleId + ":" + instanceId);
    }

    public <K, V> KeyValueStore<K, V> store(String name) {
        return driver.getKeyValueStore(name);
    }

    public GdsTopics topics() {
        return topics;
    }

    public AlertingTopology alerting() {
        return alerting;
    }

    public TopologyTestDriver driver() {
        return driver;
    }

    @Override
    public void close() {
        driver.close();
        InMemorySchemaRegistry.dropScope(scope);
        try (var files = Files.walk(stateDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
