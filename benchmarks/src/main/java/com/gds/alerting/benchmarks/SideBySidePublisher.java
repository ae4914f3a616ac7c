package com.gds.alerting.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.serde.GdsAvroSerializer;
import com.gds.alerting.contract.GdsTopics;

/**
 * The side-by-side fleet on Kafka: publishes every series' sample at the start of each second, timestamped with
 * that second, as collectors would. A second still being published when the next one begins is counted (the machine
 * is loaded); every send's outcome is checked.
 */
final class SideBySidePublisher implements Runnable {

    private final SideBySideFleet fleet;
    private final String bootstrap;
    private final String registryUrl;
    private final CheckedSends sends = new CheckedSends("fleet metrics");
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong lateSeconds = new AtomicLong();
    private volatile Exception failure;

    SideBySidePublisher(SideBySideFleet fleet, String bootstrap, String registryUrl) {
        this.fleet = fleet;
        this.bootstrap = bootstrap;
        this.registryUrl = registryUrl;
    }

    @Override
    public void run() {
        GdsAvroSerializer<Metric> serializer = new GdsAvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", registryUrl), false);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.BATCH_SIZE_CONFIG, 131072), new StringSerializer(),
                new ByteArraySerializer())) {
            long second = System.currentTimeMillis() / 1000 + 1;
            while (!stop.get()) {
                long wait = second * 1000 - System.currentTimeMillis();
                if (wait > 0) {
                    Thread.sleep(wait);
                }
                for (int s = 0; s < fleet.series(); s++) {
                    Metric metric = fleet.metric(s, second);
                    String topic = GdsTopics.defaults().metricsTopic(metric.getDatabaseType(), SideBySideFleet.ENVIRONMENT);
                    sends.send(producer, new ProducerRecord<>(topic, metric.getInstanceId(), serializer.serialize(topic, metric)));
                    published.incrementAndGet();
                }
                second++;
                if (System.currentTimeMillis() >= second * 1000) {
                    lateSeconds.incrementAndGet();
                }
            }
            sends.flushAndCheck(producer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failure = e;
        }
    }

    long published() {
        return published.get();
    }

    /** Seconds whose samples were still being published when the next second began. */
    long lateSeconds() {
        return lateSeconds.get();
    }

    void stop() {
        stop.set(true);
    }

    List<String> failures() {
        List<String> failures = new ArrayList<>();
        if (failure != null) {
            failures.add("fleet publisher: " + failure);
        }
        if (sends.failed() > 0) {
            failures.add(String.format(Locale.ROOT, "%,d of %,d fleet sends failed", sends.failed(), sends.sent()));
        }
        return failures;
    }
}
