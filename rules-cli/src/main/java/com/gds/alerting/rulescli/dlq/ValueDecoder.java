package com.gds.alerting.rulescli.dlq;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

import com.gds.alerting.avro.serde.AvroDecodeLimits;
import com.gds.alerting.avro.serde.AvroSerdeConfig;
import com.gds.alerting.avro.serde.SchemaRegistryClient;
import com.gds.alerting.avro.serde.SchemaRegistryClients;
import com.gds.alerting.avro.serde.WireFormat;

/**
 * Makes a dead letter's value readable: Avro in the Confluent wire format is decoded with its
 * writer schema (fetched by id) into JSON; anything else is shown as text when it is UTF-8, else
 * as hex, with the reason it is not Avro. A poison record is often exactly what does not decode,
 * so this never throws for the value's sake.
 */
final class ValueDecoder implements AutoCloseable {

    private static final int MAX_SHOWN_BYTES = 4096;

    static {
        AvroDecodeLimits.install();
    }

    private final SchemaRegistryClient registry;
    private final Map<Integer, Schema> schemas = new HashMap<>();

    ValueDecoder(String registryUrl) {
        this.registry = SchemaRegistryClients.create(new AvroSerdeConfig(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registryUrl)));
    }

    /** A multi-line description of {@code value}. */
    String describe(byte[] value) {
        if (value == null) {
            return "null (a tombstone)";
        }
        if (value.length < WireFormat.HEADER_SIZE || value[0] != WireFormat.MAGIC_BYTE) {
            return "not Avro in the Confluent wire format (" + value.length + " bytes): " + raw(value);
        }
        int id = ByteBuffer.wrap(value, 1, 4).getInt();
        Schema schema;
        try {
            schema = schemas.computeIfAbsent(id, registry::schemaById);
        } catch (RuntimeException e) {
            return "Avro with schema id " + id + ", which " + registry.location() + " cannot give (" + e.getMessage() + "): "
                    + raw(value);
        }
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(value, WireFormat.HEADER_SIZE,
                value.length - WireFormat.HEADER_SIZE, null);
        try {
            Object datum = new GenericDatumReader<>(schema).read(null, decoder);
            String trailing = decoder.isEnd() ? "" : " (bytes left over after the record)";
            return "Avro " + schema.getFullName() + " (schema id " + id + ")" + trailing + ": " + datum;
        } catch (Exception e) {
            return "Avro " + schema.getFullName() + " (schema id " + id + ") that does not decode (" + e + "): " + raw(value);
        }
    }

    private static String raw(byte[] value) {
        int shown = Math.min(value.length, MAX_SHOWN_BYTES);
        String more = shown < value.length ? " … (" + (value.length - shown) + " more bytes)" : "";
        try {
            String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(value, 0, shown)).toString();
            if (text.chars().noneMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t')) {
                return "text \"" + text + "\"" + more;
            }
        } catch (CharacterCodingException e) {
            // not text: hex below
        }
        return "hex " + HexFormat.of().formatHex(value, 0, shown) + more;
    }

    @Override
    public void close() {
        registry.close();
    }
}
