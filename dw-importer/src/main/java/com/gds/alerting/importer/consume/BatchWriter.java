package com.gds.alerting.importer.consume;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.serde.SchemaRegistryException;
import com.gds.alerting.contract.MetricLimits;
import com.gds.alerting.importer.decode.AlertEventRow;
import com.gds.alerting.importer.decode.MetricRow;
import com.gds.alerting.importer.decode.PayloadDecoder;
import com.gds.alerting.importer.decode.PoisonRecordException;
import com.gds.alerting.importer.warehouse.JdbcWarehouse;
import com.gds.alerting.importer.warehouse.StagedRows;
import com.gds.alerting.importer.warehouse.StarRowsBuilder;
import com.gds.alerting.importer.warehouse.StarSchema;
import com.gds.alerting.importer.warehouse.WarehouseRefusedBatchException;
import com.gds.alerting.importer.warehouse.WarehouseUnavailableException;

/**
 * Makes one batch of records durable: decodes them, sends the poison ones to the dead-letter
 * topic, and loads the rest into the warehouse in one transaction. A metric the alerting topology
 * would refuse ({@link MetricLimits}) and a record whose rows the warehouse refuses are poison
 * records too; an unreachable warehouse is not. When {@link #write} returns,
 * every record of the batch is either in the warehouse or on the dead-letter topic, so its
 * offsets may be committed; when it throws, nothing may be.
 */
public final class BatchWriter implements BatchSink {

    private static final Logger LOG = LoggerFactory.getLogger(BatchWriter.class);

    private final PayloadDecoder decoder;
    private final StarRowsBuilder rows = new StarRowsBuilder();
    private final JdbcWarehouse warehouse;
    private final DeadLetterPublisher deadLetters;
    private final String eventsTopic;
    private final Pattern metricsPattern;
    private final Clock clock;
    private final Duration maxClockSkew;

    /**
     * @param eventsTopic    records from this topic are alert events
     * @param metricsPattern records from topics matching this are metrics
     */
    public BatchWriter(PayloadDecoder decoder, JdbcWarehouse warehouse, DeadLetterPublisher deadLetters,
                       String eventsTopic, Pattern metricsPattern) {
        this(decoder, warehouse, deadLetters, eventsTopic, metricsPattern, Clock.systemUTC(),
                MetricLimits.DEFAULT_MAX_CLOCK_SKEW);
    }

    /**
     * @param clock        the wall clock metrics' event times are checked against ({@link MetricLimits})
     * @param maxClockSkew how far ahead of it a metric may be measured
     */
    public BatchWriter(PayloadDecoder decoder, JdbcWarehouse warehouse, DeadLetterPublisher deadLetters,
                       String eventsTopic, Pattern metricsPattern, Clock clock, Duration maxClockSkew) {
        this.decoder = decoder;
        this.warehouse = warehouse;
        this.deadLetters = deadLetters;
        this.eventsTopic = eventsTopic;
        this.metricsPattern = metricsPattern;
        this.clock = clock;
        this.maxClockSkew = maxClockSkew;
    }

    /** Makes the batch durable (see the class comment). */
    @Override
    public Written write(List<ConsumerRecord<byte[], byte[]>> records) throws BatchNotDurableException {
        long t0 = System.nanoTime();
        List<DeadLetter> poison = new ArrayList<>();
        List<Decoded> decoded = new ArrayList<>(records.size());
        try {
            for (ConsumerRecord<byte[], byte[]> record : records) {
                try {
                    decoded.add(decode(record));
                } catch (PoisonRecordException e) {
                    poison.add(deadLetter(record, e.code(), e.getMessage()));
                }
            }
        } catch (SchemaRegistryException e) {
            throw new BatchNotDurableException("schema registry unavailable: " + e.getMessage(), e);
        }
        long t1 = System.nanoTime();
        Written loaded;
        try {
            loaded = loadIsolatingRefusals(decoded, poison);
        } catch (WarehouseUnavailableException e) {
            throw new BatchNotDurableException(e.getMessage(), e);
        }
        // After the load: if the dead-letter topic fails, the retry reloads (a no-op merge)
        // instead of dead-lettering the same records twice.
        deadLetters.publish(poison);
        if (LOG.isDebugEnabled()) {
            LOG.debug("batch of {} records: decoded in {} ms, loaded in {} ms", records.size(), (t1 - t0) / 1_000_000,
                    (System.nanoTime() - t1) / 1_000_000);
        }
        return new Written(loaded.metricRows(), loaded.alertRows(), poison.size());
    }

    /**
     * Loads {@code decoded}; when the warehouse refuses the rows themselves (not an outage), loads
     * each half apart until the refused records are alone, and dead-letters those. The merge is
     * idempotent, so a half loaded twice is harmless. Costs nothing while nothing is refused.
     */
    private Written loadIsolatingRefusals(List<Decoded> decoded, List<DeadLetter> poison)
            throws WarehouseUnavailableException {
        rows.build(); // drop whatever a failed attempt left
        for (Decoded d : decoded) {
            d.addTo(rows);
        }
        StagedRows staged = rows.build();
        try {
            warehouse.load(staged);
            return new Written(staged.of(StarSchema.FACT_METRIC).size(), staged.of(StarSchema.FACT_ALERT_EVENT).size(), 0);
        } catch (WarehouseRefusedBatchException e) {
            if (decoded.size() == 1) {
                poison.add(deadLetter(decoded.get(0).record(), "WAREHOUSE_REFUSED", "the warehouse refused this record: "
                        + e.getMessage()));
                return new Written(0, 0, 0);
            }
            int half = decoded.size() / 2;
            Written first = loadIsolatingRefusals(decoded.subList(0, half), poison);
            Written second = loadIsolatingRefusals(decoded.subList(half, decoded.size()), poison);
            return new Written(first.metricRows() + second.metricRows(), first.alertRows() + second.alertRows(), 0);
        }
    }

    private static DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> record, String code, String reason) {
        String where = record.topic() + "-" + record.partition() + "@" + record.offset();
        LOG.warn("dead-lettering {}: {} ({})", where, reason, code);
        return new DeadLetter(record, code, reason + " [at " + where + "]");
    }

    private Decoded decode(ConsumerRecord<byte[], byte[]> record) throws PoisonRecordException {
        try {
            if (record.topic().equals(eventsTopic)) {
                GenericRecord value = decoder.decode(record.topic(), record.value(), AlertEvent.getClassSchema().getFullName());
                return new Decoded(record, null, AlertEventRow.from(value));
            }
            if (metricsPattern.matcher(record.topic()).matches()) {
                GenericRecord value = decoder.decode(record.topic(), record.value(), Metric.getClassSchema().getFullName());
                MetricRow metric = MetricRow.from(value);
                String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
                // The same rule as the alerting topology, so both refuse exactly the same metrics.
                MetricLimits.Refusal refusal = MetricLimits.check(key, metric.instanceId(), metric.databaseType(),
                        metric.metricName(), metric.value(), metric.timestampMillis(), metric.tags(), clock.millis(),
                        maxClockSkew);
                if (refusal != null) {
                    throw new PoisonRecordException(refusal.reason(), refusal.message(), null);
                }
                return new Decoded(record, metric, null);
            }
        } catch (SchemaRegistryException e) {
            throw e;
        } catch (RuntimeException e) {
            // Whatever else reading one record throws is that record's fault: a poison record, never a dead importer.
            throw new PoisonRecordException("UNEXPECTED_ERROR", "could not read this record: " + e, e);
        }
        throw new PoisonRecordException("UNEXPECTED_TOPIC", "topic '" + record.topic()
                + "' is neither the alert events topic nor a metrics topic", null);
    }

    /** A record and the row it became (one of the two). */
    private record Decoded(ConsumerRecord<byte[], byte[]> record, MetricRow metric, AlertEventRow event) {
        void addTo(StarRowsBuilder rows) {
            if (metric != null) {
                rows.add(metric);
            } else {
                rows.add(event);
            }
        }
    }
}
