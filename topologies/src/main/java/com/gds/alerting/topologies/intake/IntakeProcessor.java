package com.gds.alerting.topologies.intake;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.gds.alerting.topologies.AlertingCounters;
import com.gds.alerting.topologies.AlertingCounters.Counter;

/**
 * The shape every intake shares: read the bytes of a user-facing topic, let the subclass decode
 * and check them, forward what it accepts, and turn a {@link Decoding.Refusal} into a
 * {@link DeadLetter} that is logged with its coordinates and counted. Nothing a producer sends can
 * stop the stream thread from here.
 */
abstract class IntakeProcessor implements Processor<byte[], byte[], Object, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(IntakeProcessor.class);

    private final String name;
    private final String what;
    private final AlertingCounters counters;
    private final Counter deadLettered;
    private ProcessorContext<Object, Object> context;

    IntakeProcessor(String name, String what, AlertingCounters counters, Counter deadLettered) {
        this.name = name;
        this.what = what;
        this.counters = counters;
        this.deadLettered = deadLettered;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
    }

    /** The record to forward for {@code record} (read from {@code topic}). */
    abstract Record<Object, Object> accept(Record<byte[], byte[]> record, String topic);

    @Override
    public final void process(Record<byte[], byte[]> record) {
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse(null);
        try {
            context.forward(accept(record, topic));
        } catch (Decoding.Refusal refusal) {
            counters.increment(deadLettered);
            LOG.warn("{} record {} dead-lettered: {} ({})", what, DeadLetter.coordinates(context), refusal.getMessage(),
                    refusal.reason());
            context.forward(DeadLetter.of(context, name, record, refusal.reason(), refusal.getMessage()));
        }
    }

    /** The wall clock of the stream thread. */
    final long now() {
        return context.currentSystemTimeMs();
    }

    static String key(Record<byte[], byte[]> record) {
        return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    }

    static void requireValue(Record<byte[], byte[]> record, String why) {
        if (record.value() == null) {
            throw new Decoding.Refusal("NULL_VALUE", why);
        }
    }
}
