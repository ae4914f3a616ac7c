package com.gds.alerting.importer.decode;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

import com.gds.alerting.avro.serde.AvroDecodeLimits;
import com.gds.alerting.avro.serde.InvalidAvroPayloadException.Reason;
import com.gds.alerting.avro.serde.SchemaRegistryClient;
import com.gds.alerting.avro.serde.SchemaRegistryException;
import com.gds.alerting.avro.serde.WireFormat;

/**
 * Reads Confluent wire-format payloads with the <em>writer's</em> schema into generic records.
 *
 * <p>Why generic rather than the generated classes: fields are then looked up by name, so a
 * record written with a newer schema — new optional fields, a new enum symbol such as a new
 * {@code Transition} — loads with its real values instead of failing or being mapped to an enum
 * default. The importer needs only the fields of the star schema.
 *
 * <p>Not thread-safe (it reuses its decoder): one per consumer thread.
 */
public final class PayloadDecoder {

    private final SchemaRegistryClient registry;
    private final Map<Integer, GenericDatumReader<GenericRecord>> readers = new HashMap<>();
    private BinaryDecoder decoder;

    static {
        AvroDecodeLimits.install();
    }

    public PayloadDecoder(SchemaRegistryClient registry) {
        this.registry = registry;
    }

    /**
     * The record in {@code data}, which must have been written as the record type {@code
     * expectedType} (a full name, e.g. {@code com.gds.alerting.avro.Metric}): a value written with
     * another type's schema id (a Rule on a metrics topic, say) is a poison record.
     *
     * @throws PoisonRecordException  the payload can never be read as {@code expectedType}
     * @throws SchemaRegistryException the registry could not be asked (retry; not the record's fault)
     */
    public GenericRecord decode(String topic, byte[] data, String expectedType) throws PoisonRecordException {
        GenericRecord record = decode(topic, data);
        String written = record.getSchema().getFullName();
        if (!written.equals(expectedType)) {
            throw poison(Reason.INCOMPATIBLE_SCHEMA, topic, ByteBuffer.wrap(data, 1, 4).getInt(),
                    "written as " + written + ", expected " + expectedType, null);
        }
        return record;
    }

    /**
     * The record in {@code data}.
     *
     * @throws PoisonRecordException  the payload can never be read
     * @throws SchemaRegistryException the registry could not be asked (retry; not the record's fault)
     */
    public GenericRecord decode(String topic, byte[] data) throws PoisonRecordException {
        if (data == null) {
            throw new PoisonRecordException("NULL_VALUE", "record on '" + topic + "' has no value (a tombstone?)", null);
        }
        if (data.length < WireFormat.HEADER_SIZE) {
            throw poison(Reason.TOO_SHORT, topic, null, data.length + " byte(s), the Confluent header alone is "
                    + WireFormat.HEADER_SIZE, null);
        }
        if (data[0] != WireFormat.MAGIC_BYTE) {
            throw poison(Reason.WRONG_MAGIC_BYTE, topic, null,
                    String.format("byte 0 is 0x%02x, expected 0x00 (not Confluent wire format)", data[0]), null);
        }
        int id = ByteBuffer.wrap(data, 1, 4).getInt();
        GenericDatumReader<GenericRecord> reader = reader(topic, id);
        decoder = DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE,
                decoder);
        GenericRecord record;
        try {
            record = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw poison(Reason.MALFORMED_BODY, topic, id, "bytes left over after the record", null);
            }
        } catch (EOFException e) {
            throw poison(Reason.TRUNCATED_BODY, topic, id, "the body ends before the record does", e);
        } catch (IOException | RuntimeException e) {
            // Whatever Avro throws for a body (UnsupportedOperationException for a 2 GiB length,
            // SystemLimitException, ...) is the record's fault: a poison record, never a dead importer.
            throw poison(Reason.MALFORMED_BODY, topic, id, e.toString(), e);
        }
        return record;
    }

    private GenericDatumReader<GenericRecord> reader(String topic, int id) throws PoisonRecordException {
        GenericDatumReader<GenericRecord> reader = readers.get(id);
        if (reader == null) {
            Schema writer;
            try {
                writer = registry.schemaById(id);
            } catch (SchemaRegistryException e) {
                if (e.isNotFound()) {
                    throw poison(Reason.UNKNOWN_SCHEMA_ID, topic, id,
                            "registry " + registry.location() + " has no schema with this id", e);
                }
                throw e;
            }
            if (writer.getType() != Schema.Type.RECORD) {
                throw poison(Reason.INCOMPATIBLE_SCHEMA, topic, id, "written as " + writer.getType()
                        + ", not a record", null);
            }
            reader = new GenericDatumReader<>(writer);
            readers.put(id, reader);
        }
        return reader;
    }

    private static PoisonRecordException poison(Reason reason, String topic, Integer id, String detail, Throwable cause) {
        return new PoisonRecordException(reason.name(), "invalid Avro payload on topic '" + topic + "'"
                + (id == null ? "" : " (schema id " + id + ")") + ": " + detail, cause);
    }
}
