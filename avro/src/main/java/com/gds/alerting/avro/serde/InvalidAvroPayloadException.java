package com.gds.alerting.avro.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record value that can never be decoded: it is not in the Confluent wire format, names a
 * schema id the registry does not know, or its Avro body does not match. Retrying does not
 * help; a deserialization handler should route the record to a dead-letter topic with {@link
 * #getMessage()} as the reason and go on.
 *
 * <p>A registry that is merely unreachable raises {@link SchemaRegistryException} instead: that
 * is not the record's fault.
 */
public class InvalidAvroPayloadException extends SerializationException {

    private static final long serialVersionUID = 1L;

    /** What is wrong with the payload. */
    public enum Reason {
        /** Shorter than the 5-byte header. */
        TOO_SHORT,
        /** Byte 0 is not the Confluent magic byte 0. */
        WRONG_MAGIC_BYTE,
        /** The registry has no schema with the id in bytes 1-4. */
        UNKNOWN_SCHEMA_ID,
        /** The writer's schema cannot be read as the expected record type. */
        INCOMPATIBLE_SCHEMA,
        /** The body ends before the record does. */
        TRUNCATED_BODY,
        /** The body does not decode, or bytes are left over after the record. */
        MALFORMED_BODY
    }

    private final Reason reason;
    private final String topic;
    private final Integer schemaId;

    public InvalidAvroPayloadException(Reason reason, String topic, Integer schemaId, String detail, Throwable cause) {
        super("invalid Avro payload on topic '" + topic + "'"
                + (schemaId == null ? "" : " (schema id " + schemaId + ")")
                + ": " + reason.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ": " + detail, cause);
        this.reason = reason;
        this.topic = topic;
        this.schemaId = schemaId;
    }

    public Reason reason() {
        return reason;
    }

    public String topic() {
        return topic;
    }

    /** The schema id from the header, or null when the header itself is bad. */
    public Integer schemaId() {
        return schemaId;
    }
}
