package com.gds.alerting.topologies.intake;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.gds.alerting.avro.serde.SchemaRegistryException;
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
        Record<Object, Object> accepted;
        try {
            accepted = accept(record, topic);
        } catch (Decoding.Refusal refusal) {
            deadLetter(record, refusal.reason(), refusal.getMessage());
            return;
        } catch (SchemaRegistryException e) {
            throw e; // an outage, not the record's fault: the thread fails and the record is read again
        } catch (RuntimeException e) {
            // Whatever else checking one record throws is that record's fault: a poison record, never a dead thread.
            LOG.warn("{} record {}: unexpected failure while checking it", what, DeadLetter.coordinates(context), e);
            deadLetter(record, "UNEXPECTED_ERROR", "could not check this " + what + ": " + e);
            return;
        }
        // Outside the try: a failure downstream is not this record's fault and must not be dead-lettered as if it were.
        context.forward(accepted);
    }

    private void deadLetter(Record<byte[], byte[]> record, String reason, String error) {
        counters.increment(deadLettered);
        LOG.warn("{} record {} dead-lettered: {} ({})", what, DeadLetter.coordinates(context), error, reason);
        context.forward(DeadLetter.of(context, name, record, reason, error));
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
