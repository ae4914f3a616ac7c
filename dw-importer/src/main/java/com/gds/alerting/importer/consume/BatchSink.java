package com.gds.alerting.importer.consume;

import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Makes a batch of records durable; when it returns, the batch's offsets may be committed. */
@FunctionalInterface
public interface BatchSink {

    /** Makes {@code records} durable, or throws and leaves nothing of them behind that a retry would duplicate. */
    Written write(List<ConsumerRecord<byte[], byte[]>> records) throws BatchNotDurableException;

    /** What a durable batch held. */
    record Written(int metricRows, int alertRows, int deadLetters) {
    }
}
