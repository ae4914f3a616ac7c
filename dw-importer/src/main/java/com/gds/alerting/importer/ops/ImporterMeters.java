package com.gds.alerting.importer.ops;

import java.util.List;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * What the importer's {@code /metrics} shows: its own meters ({@link ImporterMetrics}), the JVM's
 * (memory, GC, threads, CPU, uptime, file descriptors) and the Kafka clients' (the consumer's
 * fetch and lag figures, the dead-letter producer's sends). {@link #close()} stops the binders
 * that refresh in the background.
 */
public final class ImporterMeters implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ImporterMeters.class);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<AutoCloseable> binders;

    public ImporterMeters(ImporterMetrics metrics, Consumer<?, ?> consumer, Producer<?, ?> deadLetterProducer) {
        metrics.bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        KafkaClientMetrics consumerMetrics = new KafkaClientMetrics(consumer);
        consumerMetrics.bindTo(registry);
        KafkaClientMetrics producerMetrics = new KafkaClientMetrics(deadLetterProducer);
        producerMetrics.bindTo(registry);
        binders = List.of(gc, consumerMetrics, producerMetrics);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        for (AutoCloseable b : binders) {
            try {
                b.close();
            } catch (Exception e) {
                // Closing a binder only stops its refresh; nothing is lost.
                LOG.warn("closing {}: {}", b, e.toString());
            }
        }
        registry.close();
    }
}
