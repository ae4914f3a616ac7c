package com.gds.alerting.avro.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro binary of one record type behind one format byte that names the writer's schema, for
 * bytes a later release must read without a schema registry (state stores, the collector's disk
 * spool).
 *
 * <p>Each record type has its own format number: 1 plus the number of its earlier schemas, kept as
 * resources next to an anchor class ({@code <Record>.format<N>.avsc}, never edited once released).
 * Values are always written in the current format; values of an earlier format are read through
 * Avro schema resolution, so a schema change adds fields with defaults and keeps the old schema
 * file. Thread-safe.
 *
 * @param <T> the generated record class
 */
public final class VersionedAvroCodec<T extends SpecificRecord> {

    private final Schema schema;
    private final byte format;
    private final SpecificDatumWriter<T> writer;
    private final Map<Byte, SpecificDatumReader<T>> readers;

    /**
     * @param earlier the schemas of formats 1, 2, ... before the current one, oldest first
     */
    public VersionedAvroCodec(Class<T> type, List<Schema> earlier) {
        AvroClassTrust.trust(type);
        this.schema = SpecificData.get().getSchema(type);
        this.writer = new SpecificDatumWriter<>(schema);
        Map<Byte, SpecificDatumReader<T>> r = new HashMap<>();
        for (int i = 0; i < earlier.size(); i++) {
            r.put((byte) (i + 1), new SpecificDatumReader<>(earlier.get(i), schema));
        }
        this.format = (byte) (earlier.size() + 1);
        r.put(format, new SpecificDatumReader<>(schema));
        this.readers = Map.copyOf(r);
    }

    /** The codec whose earlier schemas are the resources {@code <Type>.format<N>.avsc} next to {@code anchor}. */
    public static <T extends SpecificRecord> VersionedAvroCodec<T> of(Class<T> type, Class<?> anchor) {
        List<Schema> earlier = new ArrayList<>();
        for (int n = 1; ; n++) {
            String resource = type.getSimpleName() + ".format" + n + ".avsc";
            try (InputStream in = anchor.getResourceAsStream(resource)) {
                if (in == null) {
                    return new VersionedAvroCodec<>(type, earlier);
                }
                earlier.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the earlier schema " + resource, e);
            }
        }
    }

    /** The format this release writes. */
    public byte format() {
        return format;
    }

    public Schema schema() {
        return schema;
    }

    /** Writes the format byte, then the value in the current schema. */
    public void encode(T value, ByteArrayOutputStream out) throws IOException {
        out.write(format);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        writer.write(value, encoder);
        encoder.flush();
    }

    /**
     * Reads a value written by {@link #encode} of this or an earlier release, from {@code offset}
     * (where its format byte is) to the end of {@code bytes}.
     *
     * @throws IOException when the format is unknown (a newer release wrote it) or the bytes are damaged
     */
    public T decode(byte[] bytes, int offset) throws IOException {
        if (offset >= bytes.length) {
            throw new IOException(schema.getName() + ": no format byte");
        }
        return decode(bytes[offset], bytes, offset + 1);
    }

    /** Reads a body of the given {@code format} that starts at {@code offset}. */
    public T decode(byte format, byte[] bytes, int offset) throws IOException {
        SpecificDatumReader<T> r = readers.get(format);
        if (r == null) {
            throw new IOException(schema.getName() + " has format " + format + ", this release reads formats 1 to "
                    + this.format + " (a newer release wrote it?)");
        }
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, offset, bytes.length - offset, null);
        try {
            return r.read(null, decoder);
        } catch (RuntimeException e) {
            throw new IOException("cannot decode " + schema.getName() + " (format " + format + "): " + e, e);
        }
    }
}
