package com.gds.alerting.collectors.agent;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.Function;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.serde.AvroSerdes;
import com.gds.alerting.collectors.MetricPublisher;
import com.gds.alerting.collectors.config.CollectorsConfig;
import com.gds.alerting.collectors.config.TargetConfig;
import com.gds.alerting.collectors.source.Collector;
import com.gds.alerting.collectors.spool.AdminTopicProbe;
import com.gds.alerting.collectors.spool.DiskSpool;
import com.gds.alerting.collectors.spool.SpoolForwarder;

/**
 * The collector agent: a scheduler running every target's cycles into the disk spool, and a
 * forwarder moving the spool to Kafka. Built from a validated {@link CollectorsConfig}.
 */
public final class CollectorAgent implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CollectorAgent.class);
    /** Records handed to the producer at once; the rest wait on disk. */
    static final int FORWARD_WINDOW = 20_000;

    private final CollectorsConfig config;
    private final Clock clock;
    private final Function<TargetConfig, Collector> collectors;
    private final List<Collector> opened = new ArrayList<>();
    private DiskSpool spool;
    private Serde<Metric> serde;
    private SpoolForwarder forwarder;
    private CollectionScheduler scheduler;
    private int forwardWindow = FORWARD_WINDOW;
    /** How long a topic's sends fail, with the cluster saying it cannot be used, before its records are parked. */
    static final Duration PARK_AFTER = Duration.ofSeconds(30);
    private Duration parkAfter = PARK_AFTER;
    private AdminTopicProbe probe;
    private BiFunction<Map<String, Object>, Serde<Metric>, Producer<String, Metric>> producers =
            (props, valueSerde) -> new KafkaProducer<>(props, new StringSerializer(), valueSerde.serializer());

    /**
     * @param collectors builds each target's collector ({@link Collectors#create} in production)
     */
    public CollectorAgent(CollectorsConfig config, Clock clock, Function<TargetConfig, Collector> collectors) {
        this.config = config;
        this.clock = clock;
        this.collectors = collectors;
    }

    public CollectorAgent(CollectorsConfig config) {
        this(config, Clock.systemUTC(), Collectors::create);
    }

    /** Fewer records in the producer at once, so tests see most of an outage wait on disk. */
    CollectorAgent withForwardWindow(int window) {
        this.forwardWindow = window;
        return this;
    }

    /** A shorter time before an unusable topic is parked, so tests need not wait the default. */
    CollectorAgent withParkAfter(Duration parkAfter) {
        this.parkAfter = parkAfter;
        return this;
    }

    /**
     * Builds the producer from the producer settings and the metric serde instead of a
     * {@code KafkaProducer}: for tests that need the broker's answers (Kafka's {@code MockProducer}).
     */
    public CollectorAgent withProducers(BiFunction<Map<String, Object>, Serde<Metric>, Producer<String, Metric>> factory) {
        this.producers = factory;
        return this;
    }

    /** The agent's version, from the jar manifest ("dev" when run from classes). */
    public static String version() {
        String v = CollectorAgent.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** The producer settings: the user's, over an idempotent, acks=all, never-expiring default. */
    static Map<String, Object> producerConfig(Map<String, Object> user) {
        Map<String, Object> props = new HashMap<>();
        // The spool bounds what waits, so the producer need not give up on a record: an expired
        // batch would have to be re-sent as new, which is how duplicates happen.
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
        // send() blocks at most this long for metadata while Kafka is away; the forwarder retries.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "gds-collectors-agent");
        props.putAll(user);
        return MetricPublisher.withSafeDefaults(props);
    }

    /** Opens the spool, connects the producer and schedules every target; fails whole or not at all. */
    public synchronized CollectorAgent start() {
        try {
            spool = new DiskSpool(config.agent().spoolDir(), config.agent().spoolMaxBytes());
            serde = AvroSerdes.valueSerde(Metric.class, config.serde());
            Map<String, Object> producerConfig = producerConfig(config.producer());
            Producer<String, Metric> producer = producers.apply(producerConfig, serde);
            probe = new AdminTopicProbe(producerConfig, Duration.ofSeconds(5));
            forwarder = new SpoolForwarder(spool, producer, forwardWindow, clock, probe, parkAfter);
            forwarder.start();
            MetricSink sink = new SpoolSink(spool, config.topics(), clock);
            scheduler = new CollectionScheduler(config.agent().maxConcurrentCollections(), new Random());
            for (TargetConfig t : config.targets()) {
                Collector c = collectors.apply(t);
                opened.add(c);
                scheduler.schedule(new TargetCycle(t, c, sink, clock, System::nanoTime, version()));
            }
            LOG.info("collector agent {} started: {} targets, {} workers, spool {} (max {} bytes)", version(),
                    config.targets().size(), config.agent().maxConcurrentCollections(), spool.directory(),
                    spool.maxBytes());
            return this;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public DiskSpool spool() {
        return spool;
    }

    public SpoolForwarder forwarder() {
        return forwarder;
    }

    public CollectionScheduler scheduler() {
        return scheduler;
    }

    /** Stops the cycles, gives Kafka a moment for what is in flight, and closes the spool. */
    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.close(Duration.ofSeconds(5));
            scheduler = null;
        }
        for (Collector c : opened) {
            c.close();
        }
        opened.clear();
        if (forwarder != null) {
            forwarder.close(Duration.ofSeconds(5));
            forwarder = null;
        }
        if (probe != null) {
            probe.close();
            probe = null;
        }
        if (serde != null) {
            serde.close();
            serde = null;
        }
        if (spool != null) {
            spool.close();
            spool = null;
        }
    }
}
