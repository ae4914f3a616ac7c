package com.gds.alerting.importer.consume;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.gds.alerting.avro.serde.SchemaRegistryException;
import com.gds.alerting.importer.decode.AlertEventRow;
import com.gds.alerting.importer.decode.MetricRow;
import com.gds.alerting.importer.decode.PayloadDecoder;
import com.gds.alerting.importer.decode.PoisonRecordException;
import com.gds.alerting.importer.warehouse.JdbcWarehouse;
import com.gds.alerting.importer.warehouse.StagedRows;
import com.gds.alerting.importer.warehouse.StarRowsBuilder;
import com.gds.alerting.importer.warehouse.StarSchema;
import com.gds.alerting.importer.warehouse.WarehouseUnavailableException;

/**
 * Makes one batch of records durable: decodes them, sends the poison ones to the dead-letter
 * topic, and loads the rest into the warehouse in one transaction. When {@link #write} returns,
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

    /**
     * @param eventsTopic    records from this topic are alert events
     * @param metricsPattern records from topics matching this are metrics
     */
    public BatchWriter(PayloadDecoder decoder, JdbcWarehouse warehouse, DeadLetterPublisher deadLetters,
                       String eventsTopic, Pattern metricsPattern) {
        this.decoder = decoder;
        this.warehouse = warehouse;
        this.deadLetters = deadLetters;
        this.eventsTopic = eventsTopic;
        this.metricsPattern = metricsPattern;
    }

    /** Makes the batch durable (see the class comment). */
    @Override
    public Written write(List<ConsumerRecord<byte[], byte[]>> records) throws BatchNotDurableException {
        rows.build(); // drop whatever a failed attempt left
        long t0 = System.nanoTime();
        List<DeadLetter> poison = new ArrayList<>();
        try {
            for (ConsumerRecord<byte[], byte[]> record : records) {
                try {
                    addTo(record);
                } catch (PoisonRecordException e) {
                    String where = record.topic() + "-" + record.partition() + "@" + record.offset();
                    LOG.warn("dead-lettering {}: {} ({})", where, e.getMessage(), e.code());
                    poison.add(new DeadLetter(record, e.code(), e.getMessage() + " [at " + where + "]"));
                }
            }
        } catch (SchemaRegistryException e) {
            throw new BatchNotDurableException("schema registry unavailable: " + e.getMessage(), e);
        }
        StagedRows staged = rows.build();
        long t1 = System.nanoTime();
        try {
            warehouse.load(staged);
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
        return new Written(staged.of(StarSchema.FACT_METRIC).size(), staged.of(StarSchema.FACT_ALERT_EVENT).size(),
                poison.size());
    }

    private void addTo(ConsumerRecord<byte[], byte[]> record) throws PoisonRecordException {
        if (record.topic().equals(eventsTopic)) {
            GenericRecord value = decoder.decode(record.topic(), record.value());
            rows.add(AlertEventRow.from(value));
        } else if (metricsPattern.matcher(record.topic()).matches()) {
            GenericRecord value = decoder.decode(record.topic(), record.value());
            rows.add(MetricRow.from(value));
        } else {
            throw new PoisonRecordException("UNEXPECTED_TOPIC", "topic '" + record.topic()
                    + "' is neither the alert events topic nor a metrics topic", null);
        }
    }
}
