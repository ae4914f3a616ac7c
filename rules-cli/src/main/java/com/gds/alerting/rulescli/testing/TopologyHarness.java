package com.gds.alerting.rulescli.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.Silence;
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
 * follows the samples, so reminders, escalations and absence timers happen when they would have.
 * Used by rule tests and backtests alike.
 *
 * <p>The wall clock never jumps over a timer: moving it forward stops at each punctuation tick at
 * or after the earliest timer due in the topology's {@code alert-timers} index (reminder,
 * escalation, absence, forget), so an absence alert fires at last sample + {@code for} (rounded up
 * to the tick, as in production) even when no sample arrives for hours, and a long silence yields
 * one reminder per {@code repeat_interval}, not one in all. A tick with nothing due costs nothing,
 * so the stepping is proportional to the timers, not to the time replayed.
 */
public final class TopologyHarness implements AutoCloseable {

    private final String scope = "gds-rules-" + UUID.randomUUID();
    private final Path stateDir;
    private final TopologyTestDriver driver;
    private final GdsTopics topics = GdsTopics.defaults();
    private final Map<String, Object> serdeConfig;
    private final TestInputTopic<String, Rule> rules;
    private final TestOutputTopic<String, AlertEvent> events;
    private final TestOutputTopic<String, AlertEvent> shadowEvents;
    private final Map<String, TestInputTopic<String, Metric>> metricTopics = new HashMap<>();
    private final KeyValueStore<Bytes, byte[]> timers;
    private final long startMs;
    private final long tickMs;
    private Instant wallClock;

    /** A harness whose wall clock starts at {@code start}. */
    public TopologyHarness(Instant start) {
        AvroClassTrust.install();
        wallClock = start;
        startMs = start.toEpochMilli();
        serdeConfig = Map.of("schema.registry.url", InMemorySchemaRegistry.SCHEME + scope);
        try {
            stateDir = Files.createTempDirectory("gds-rules-ttd");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AlertingTopologyConfig config = AlertingTopologyConfig.defaults(serdeConfig).withStoreKind(StoreKind.IN_MEMORY);
        tickMs = config.punctuationInterval().toMillis();
        AlertingTopology alerting = AlertingTopology.build(config);
        Properties props = new Properties();
        props.putAll(AlertingTopology.requiredStreamsConfig());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "gds-rules");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(alerting.topology(), props, start);
        rules = driver.createInputTopic(topics.rules(), new StringSerializer(), serde(Rule.class).serializer());
        events = driver.createOutputTopic(topics.events(), new StringDeserializer(), serde(AlertEvent.class).deserializer());
        shadowEvents = driver.createOutputTopic(topics.shadowEvents(), new StringDeserializer(),
                serde(AlertEvent.class).deserializer());
        timers = driver.getKeyValueStore(AlertingTopology.Names.ALERT_TIMERS_STORE);
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

    /** Publishes {@code list} to the silences topic, as {@code POST /api/v1/silences} would. */
    public void silences(List<Silence> list) {
        TestInputTopic<String, Silence> topic = driver.createInputTopic(topics.silences(), new StringSerializer(),
                serde(Silence.class).serializer());
        for (Silence s : list) {
            topic.pipeInput(s.getSilenceId(), s, wallClock);
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

    /**
     * Feeds the samples of one collection instant (one timestamp), in the order given, after moving
     * the wall clock there once: no timer runs between two samples of an instant, the rule the
     * topology applies to ratio SLOs (both counters of an instant, then one decision).
     */
    public void instant(List<Metric> samples) {
        for (Metric m : samples) {
            if (!m.getTimestamp().equals(samples.get(0).getTimestamp())) {
                throw new IllegalArgumentException("samples of different instants: " + samples.get(0).getTimestamp()
                        + " and " + m.getTimestamp());
            }
            sample(m);
        }
    }

    /**
     * Moves the wall clock forward to {@code time} (never back), stopping at every tick where a
     * timer of the topology comes due on the way, so each fires at its own time.
     */
    public void advanceTo(Instant time) {
        long target = time.toEpochMilli();
        Long due = nextTimerDue();
        while (due != null) {
            // The punctuation runs on ticks every tickMs from the start; the first one not before the
            // timer (and after now, so the loop always moves) is when production would handle it.
            long from = Math.max(due, wallClock.toEpochMilli() + 1);
            long tick = startMs + Math.floorDiv(from - startMs + tickMs - 1, tickMs) * tickMs;
            if (tick > target) {
                break;
            }
            moveTo(tick);
            due = nextTimerDue();
        }
        moveTo(target);
    }

    private void moveTo(long ms) {
        Instant time = Instant.ofEpochMilli(ms);
        if (time.isAfter(wallClock)) {
            driver.advanceWallClockTime(Duration.between(wallClock, time));
            wallClock = time;
        }
    }

    /**
     * The earliest due time in the timer index. Its keys start with the due time as 8 big-endian
     * bytes (topologies' {@code TimerKeys}), so the first key in byte order is the earliest timer.
     */
    private Long nextTimerDue() {
        try (KeyValueIterator<Bytes, byte[]> it = timers.all()) {
            return it.hasNext() ? ByteBuffer.wrap(it.next().key.get()).getLong() : null;
        }
    }

    /**
     * The alert events emitted since the last call: the live rules', then the shadow rules' (a test
     * or backtest of a shadow rule sees its alerts; {@code NotifyPolicy} counts none of them as sent).
     */
    public List<AlertEvent> events() {
        List<AlertEvent> all = new java.util.ArrayList<>(events.readValuesToList());
        all.addAll(shadowEvents.readValuesToList());
        return all;
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

    /** Sorts samples by event time, as a replay must feed them; samples of one instant keep their order. */
    public static List<Metric> inTimeOrder(List<Metric> samples) {
        return samples.stream().sorted(Comparator.comparing(Metric::getTimestamp)).toList();
    }

    /** Samples grouped by instant (timestamp), in time order; within an instant, in the order given. */
    public static List<List<Metric>> instants(List<Metric> samples) {
        Map<Instant, List<Metric>> byTime = new TreeMap<>();
        for (Metric m : samples) {
            byTime.computeIfAbsent(m.getTimestamp(), t -> new ArrayList<>()).add(m);
        }
        return List.copyOf(byTime.values());
    }
}
