package com.gds.alerting.importer.decode;

import java.util.Map;
import java.util.TreeMap;

import org.apache.avro.util.Utf8;

/**
 * Tag maps as Avro decodes them ({@code Utf8} keys and values). Converting every record's tags
 * to a sorted map of strings would cost more than the rest of decoding; the importer only needs
 * two tags per record and the whole map for one record per instance per batch.
 */
public final class TagMap {

    private TagMap() {
    }

    /** The value of {@code key} in a decoded map, or null. */
    public static String get(Map<?, ?> map, String key) {
        if (map.isEmpty()) {
            return null;
        }
        // Decoded maps have Utf8 keys; maps built in code (tests, other callers) have Strings.
        Object value = map.keySet().iterator().next() instanceof Utf8 ? map.get(new Utf8(key)) : map.get(key);
        return value == null ? null : value.toString();
    }

    /** A sorted copy with string keys and values. */
    public static Map<String, String> sorted(Map<?, ?> map) {
        Map<String, String> out = new TreeMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), v == null ? null : v.toString()));
        return out;
    }
}
