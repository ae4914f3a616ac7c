package com.gds.alerting.rulescli.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.serde.AvroClassTrust;
import com.gds.alerting.avro.serde.AvroSerdes;
import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.contract.GdsTopics;
import com.gds.alerting.topologies.AlertingTopology;
import com.gds.alerting.topologies.AlertingTopologyConfig;
import com.gds.alerting.topologies.StoreKind;

/**
 * The production alerting topology on a {@link TopologyTestDriver} (in-memory stores, a private
 * in-memory registry scope, a temporary state directory), driven in event time: the wall clock
 * follows the samples, so reminders and escalations happen when they would have. Used by rule
 * tests and backtests alike.
 */
public final class TopologyHarness implements AutoCloseable {

    private final String scope = "gds-rules-" + UUID.randomUUID();
    private final Path stateDir;
    private final TopologyTestDriver driver;
    private final GdsTopics topics = GdsTopics.defaults();
    private final Map<String, Object> serdeConfig;
    private final TestInputTopic<String, Rule> rules;
    private final TestOutputTopic<String, AlertEvent> events;
    private final Map<String, TestInputTopic<String, Metric>> metricTopics = new HashMap<>();
    private Instant wallClock;

    /** A harness whose wall clock starts at {@code start}. */
    public TopologyHarness(Instant start) {
        AvroClassTrust.install();
        wallClock = start;
        serdeConfig = Map.of("schema.registry.url", InMemorySchemaRegistry.SCHEME + scope);
        try {
            stateDir = Files.createTempDirectory("gds-rules-ttd");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AlertingTopology alerting = AlertingTopology.build(
                AlertingTopologyConfig.defaults(serdeConfig).withStoreKind(StoreKind.IN_MEMORY));
        Properties props = new Properties();
        props.putAll(AlertingTopology.requiredStreamsConfig());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "gds-rules");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(alerting.topology(), props, start);
        rules = driver.createInputTopic(topics.rules(), new StringSerializer(), serde(Rule.class).serializer());
        events = driver.createOutputTopic(topics.events(), new StringDeserializer(), serde(AlertEvent.class).deserializer());
    }

    private <T extends SpecificRecord> Serde<T> serde(Class<T> type) {
        return AvroSerdes.valueSerde(type, serdeConfig);
    }

    /** Publishes {@code list} to the rules topic, as {@code gds-rules publish} would. */
    public void rules(List<Rule> list) {
        for (Rule rule : list) {
            rules.pipeInput(rule.getRuleId(), rule, wallClock);
        }
    }

    /**
     * Feeds one sample; the wall clock first moves up to its timestamp (never back), as it would
     * have on a live system.
     */
    public void sample(Metric metric) {
        advanceTo(metric.getTimestamp());
        String environment = metric.getTags().getOrDefault("environment", "prod");
        String topic = topics.metricsTopic(metric.getDatabaseType(), environment);
        metricTopics.computeIfAbsent(topic, t -> driver.createInputTopic(t, new StringSerializer(),
                        serde(Metric.class).serializer()))
                .pipeInput(metric.getInstanceId(), metric, metric.getTimestamp());
    }

    /** Moves the wall clock forward to {@code time} (running the punctuation that becomes due). */
    public void advanceTo(Instant time) {
        if (time.isAfter(wallClock)) {
            driver.advanceWallClockTime(Duration.between(wallClock, time));
            wallClock = time;
        }
    }

    /** The alert events emitted since the last call. */
    public List<AlertEvent> events() {
        return events.readValuesToList();
    }

    @Override
    public void close() {
        driver.close();
        InMemorySchemaRegistry.dropScope(scope);
        try (var files = Files.walk(stateDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sorts samples by event time, as a replay must feed them. */
    public static List<Metric> inTimeOrder(List<Metric> samples) {
        return samples.stream().sorted(Comparator.comparing(Metric::getTimestamp)).toList();
    }
}
