package com.gds.alerting.service.selfmonitor;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import com.gds.alerting.avro.Metric;

/**
 * One round of the pipeline watching itself, run every {@code gds.self-monitor.interval}: make
 * sure the self-metrics topic and the built-in rules are there (until that has worked once), then,
 * on the one instance that leads this interval, measure ({@link SelfFigures}) and publish the
 * figures to the self-metrics topic. From there they are ordinary metrics: the topology evaluates
 * the built-in rules on them, and alerts go through the usual lifecycle and dispatcher.
 *
 * <p>Counted in {@code gds_self_monitor_rounds_total{outcome}} (published, standby, failed); a
 * failed round is a WARN line and the next round tries again.
 */
final class SelfMonitor implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SelfMonitor.class);

    /** The setup steps, retried each round until they have worked once. */
    interface Setup {
        /** True when done; false when it cannot be done yet (and says why in the log). */
        boolean run();
    }

    private final Setup topic;
    private final Setup rules;
    private final BooleanSupplier leads;
    private final SelfFigures figures;
    private final Producer<String, Metric> producer;
    private final String selfTopic;
    private final Clock clock;
    private final Counter published;
    private final Counter standby;
    private final Counter failed;
    private final Counter records;
    private boolean topicReady;
    private boolean rulesReady;

    SelfMonitor(Setup topic, Setup rules, BooleanSupplier leads, SelfFigures figures, Producer<String, Metric> producer,
                String selfTopic, MeterRegistry registry, Clock clock) {
        this.topic = topic;
        this.rules = rules;
        this.leads = leads;
        this.figures = figures;
        this.producer = producer;
        this.selfTopic = selfTopic;
        this.clock = clock;
        this.published = round(registry, "published");
        this.standby = round(registry, "standby");
        this.failed = round(registry, "failed");
        this.records = Counter.builder("gds.self.monitor.figures").description("self-monitoring metrics published")
                .register(registry);
    }

    private static Counter round(MeterRegistry registry, String outcome) {
        return Counter.builder("gds.self.monitor.rounds").description("self-monitoring rounds by outcome")
                .tag("outcome", outcome).register(registry);
    }

    @Override
    public void run() {
        try {
            round();
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again: log, count, and try at the next round.
            failed.increment();
            LOG.warn("self-monitoring round failed (the next one tries again): {}", e.getMessage(), e);
        }
    }

    private void round() {
        if (!topicReady) {
            topicReady = topic.run();
        }
        if (!rulesReady) {
            rulesReady = rules.run();
        }
        if (!leads.getAsBoolean()) {
            standby.increment();
            return;
        }
        List<Metric> measured = figures.measure(clock.instant());
        try {
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (Metric m : measured) {
                sends.add(producer.send(new ProducerRecord<>(selfTopic, m.getInstanceId().toString(), m)));
            }
            producer.flush();
            for (Future<RecordMetadata> send : sends) {
                send.get(0, TimeUnit.SECONDS); // flush() returned, so each is complete: this surfaces a failed one
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot publish the self-monitoring figures to " + selfTopic + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        records.increment(measured.size());
        published.increment();
    }
}
