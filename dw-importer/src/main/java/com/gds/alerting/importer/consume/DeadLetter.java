package com.gds.alerting.importer.consume;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A record that will never load, and why.
 *
 * @param record the original record, bytes as received
 * @param code   short reason code
 * @param reason what is wrong, for people
 */
public record DeadLetter(ConsumerRecord<byte[], byte[]> record, String code, String reason) {
}
