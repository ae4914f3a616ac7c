package com.gds.alerting.service.dispatch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micronaut.core.annotation.Nullable;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.serde.GdsAvroDeserializer;
import com.gds.alerting.avro.serde.InvalidAvroPayloadException;
import com.gds.alerting.avro.serde.SchemaRegistryException;
import com.gds.alerting.topologies.notify.NotifyPolicy;
import com.gds.alerting.topologies.notify.NotifyReason;

/**
 * The first stage of the pipeline (Alertmanager's dedup/inhibit stages): what one record of
 * {@code gds.alerts.events} becomes. It decodes the event, asks {@link NotifyPolicy} whether it
 * notifies, lets {@link StormControl} hold it for a summary, and otherwise turns it into a
 * {@link Delivery} through {@link NotificationFormatter}. An unreadable event is dead-lettered.
 * Used by the consumer thread only (storm control is not thread-safe).
 */
final class AdmissionStage implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AdmissionStage.class);

    /** What became of a record, for the offset bookkeeping. */
    enum Admitted {
        /** Nothing is owed: an empty record, or an event that does not notify. Its offset is done. */
        DONE,
        /** A delivery, a dead letter or a storm summary completes it later. */
        OWED,
        /** The schema registry did not answer: read the record again later. */
        READ_AGAIN
    }

    private final GdsAvroDeserializer<AlertEvent> deserializer;
    private final DispatcherMetrics metrics;
    private final DeadLetters deadLetters;
    @Nullable
    private final StormControl storm;
    private final int summaryMaxLines;

    /**
     * @param serde           the Avro serde configuration ({@code schema.registry.url}, ...)
     * @param storm           the rate limit, or null when storm control is off
     * @param summaryMaxLines held notifications listed one per line in a summary
     */
    AdmissionStage(Map<String, Object> serde, DispatcherMetrics metrics, DeadLetters deadLetters,
                   @Nullable StormControl storm, int summaryMaxLines) {
        this.deserializer = new GdsAvroDeserializer<>(AlertEvent.class);
        deserializer.configure(serde, false);
        this.metrics = metrics;
        this.deadLetters = deadLetters;
        this.storm = storm;
        this.summaryMaxLines = summaryMaxLines;
    }

    /**
     * Admits one record.
     *
     * @param deliver   where a delivery goes
     * @param done      told once a dead letter of this record is written
     */
    Admitted admit(ConsumerRecord<byte[], byte[]> record, Source source, Consumer<Delivery> deliver, Consumer<Source> done,
                   Duration registryBackoff) {
        if (record.value() == null) {
            return Admitted.DONE;
        }
        AlertEvent event;
        try {
            event = deserializer.deserialize(record.topic(), record.headers(), record.value());
        } catch (InvalidAvroPayloadException e) {
            LOG.warn("unreadable alert event at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
            deadLetters.send(record, DeadLetters.UNREADABLE, String.valueOf(e.getMessage()), null, null,
                    () -> done.accept(source));
            return Admitted.OWED;
        } catch (SchemaRegistryException e) {
            LOG.warn("schema registry unavailable reading {}-{}@{}; trying again in {}: {}", record.topic(),
                    record.partition(), record.offset(), registryBackoff, e.getMessage());
            return Admitted.READ_AGAIN;
        }
        NotifyReason reason = NotifyPolicy.decide(event);
        metrics.decided(reason);
        if (!reason.notifies()) {
            LOG.debug("{} {}: not sent ({}{})", event.getAlertKey(), event.getTransition(), reason,
                    event.getSuppressedBy() == null ? "" : ", " + event.getSuppressedBy());
            return Admitted.DONE;
        }
        if (storm != null) {
            StormControl.Admission admission = storm.admit(event, source);
            if (!admission.admitted()) {
                metrics.held(admission.scope().name());
                return Admitted.OWED;
            }
        }
        deliver.accept(new Delivery(event.getAlertKey(), NotificationFormatter.format(event), List.of(source),
                event.getUpdatedAt(), false));
        return Admitted.OWED;
    }

    /** The storm groups whose window ended, as summary deliveries (groups whose partitions all left are skipped). */
    List<Delivery> summaries() {
        if (storm == null) {
            return List.of();
        }
        List<Delivery> out = new ArrayList<>();
        for (StormControl.Group group : storm.due()) {
            List<StormControl.Held> live = group.held().stream().filter(h -> h.source().active()).toList();
            if (live.isEmpty()) {
                continue;
            }
            StormControl.Group liveGroup = new StormControl.Group(group.scope(), group.name(), group.windowStart(),
                    group.windowEnd(), live);
            NotificationPayload summary = StormSummaryFormatter.format(liveGroup, summaryMaxLines);
            LOG.warn("storm control: {} notifications of {} {} folded into one summary ({})", live.size(),
                    group.scope().name().toLowerCase(Locale.ROOT), group.name(), summary.messageId());
            metrics.summarised(group.scope().name());
            out.add(new Delivery("storm:" + group.scope() + ":" + group.name(), summary,
                    live.stream().map(StormControl.Held::source).toList(), null, true));
        }
        return out;
    }

    /** Events held back for a storm summary. */
    int holding() {
        return storm == null ? 0 : storm.holding();
    }

    @Override
    public void close() {
        deserializer.close();
    }
}
