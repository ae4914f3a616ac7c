package com.gds.alerting.importer.decode;

import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * Reads fields of a generic record by name, tolerating fields the writer did not have (optional
 * ones) and refusing, with the field's name, a required one that is missing or null.
 */
final class Fields {

    private final GenericRecord record;
    private final String what;

    /** @param what the record's kind, for messages (e.g. {@code Metric}) */
    Fields(GenericRecord record, String what) {
        this.record = record;
        this.what = what;
    }

    /** The field's value, or null when the writer's schema has no such field. */
    Object get(String name) {
        Schema.Field field = record.getSchema().getField(name);
        return field == null ? null : record.get(field.pos());
    }

    /** A field's value as a nested record, or null. */
    Fields nested(String name) {
        Object value = get(name);
        return value instanceof GenericRecord r ? new Fields(r, what + "." + name) : null;
    }

    String requiredString(String name) throws PoisonRecordException {
        return require(name, optionalString(name));
    }

    /** Strings, and enum symbols by their name (so unknown symbols pass through as written). */
    String optionalString(String name) {
        Object value = get(name);
        return value == null ? null : value.toString();
    }

    long requiredLong(String name) throws PoisonRecordException {
        Object value = require(name, get(name));
        if (value instanceof Long l) {
            return l;
        }
        if (value instanceof Integer i) {
            return i;
        }
        throw invalid(name, value, "a long");
    }

    int optionalInt(String name, int fallback) throws PoisonRecordException {
        Object value = get(name);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Integer i) {
            return i;
        }
        throw invalid(name, value, "an int");
    }

    Long optionalLong(String name) throws PoisonRecordException {
        Object value = get(name);
        if (value == null || value instanceof Long) {
            return (Long) value;
        }
        if (value instanceof Integer i) {
            return i.longValue();
        }
        throw invalid(name, value, "a long");
    }

    double requiredDouble(String name) throws PoisonRecordException {
        Double value = optionalDouble(name);
        return require(name, value);
    }

    Double optionalDouble(String name) throws PoisonRecordException {
        Object value = get(name);
        if (value == null) {
            return null;
        }
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        throw invalid(name, value, "a number");
    }

    /** A map of strings, sorted by key (so its JSON is stable); empty when absent. */
    Map<String, String> stringMap(String name) {
        return TagMap.sorted(rawMap(name));
    }

    /** A map field as decoded (Avro {@code Utf8} keys and values), not copied; empty when absent. */
    Map<?, ?> rawMap(String name) {
        return get(name) instanceof Map<?, ?> map ? map : Map.of();
    }

    private <T> T require(String name, T value) throws PoisonRecordException {
        if (value == null) {
            boolean present = record.getSchema().getField(name) != null;
            throw new PoisonRecordException("MISSING_FIELD", what + " has " + (present ? "a null" : "no")
                    + " field '" + name + "', which the warehouse needs", null);
        }
        return value;
    }

    private PoisonRecordException invalid(String name, Object value, String expected) {
        return new PoisonRecordException("INVALID_FIELD", what + " field '" + name + "' is a "
                + value.getClass().getSimpleName() + ", expected " + expected, null);
    }
}
