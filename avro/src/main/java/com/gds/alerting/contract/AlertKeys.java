package com.gds.alerting.contract;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The alert key, {@code <rule_id>:<instance_id>:<metric_name>}: the dedup key (one alert per key
 * at a time) and the record key on {@code gds.alerts.*}.
 *
 * <p>A rule with {@code by} (the tags that tell its series apart) alerts once per series, and its
 * keys carry the series: {@code <rule_id>:<instance_id>:<metric_name>{<tag>=<value>,...}}, the tags
 * of {@code by} sorted by name, each value percent-encoded (UTF-8, every character but
 * {@code A-Z a-z 0-9 - . _ ~}), a tag the series lacks with an empty value. So the braces, commas,
 * '=' and ':' of the suffix are the key's own, a key parses one way only, and a key is one URL path
 * segment once URL-encoded. Keys of rules without {@code by} are unchanged.
 */
public final class AlertKeys {

    /** What a series tag name in {@code by} may be (a Prometheus label name): never needs encoding. */
    public static final Pattern TAG_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private AlertKeys() {
    }

    public static String of(String ruleId, String instanceId, String metricName) {
        return Objects.requireNonNull(ruleId, "ruleId") + ":" + Objects.requireNonNull(instanceId, "instanceId")
                + ":" + Objects.requireNonNull(metricName, "metricName");
    }

    /**
     * The key of one series of a rule with {@code by}.
     *
     * @param byTags the rule's {@code by}, sorted by name, each matching {@link #TAG_NAME}
     * @param value  the series' value of a tag ({@code null} or {@code ""} when it has none)
     */
    public static String of(String ruleId, String instanceId, String metricName, List<String> byTags,
                            UnaryOperator<String> value) {
        StringBuilder key = new StringBuilder(of(ruleId, instanceId, metricName)).append('{');
        for (int i = 0; i < byTags.size(); i++) {
            String tag = byTags.get(i);
            if (i > 0) {
                key.append(',');
            }
            key.append(tag).append('=');
            encode(value.apply(tag), key);
        }
        return key.append('}').toString();
    }

    /** The parts of an alert key; {@code series} is empty for a key without a series suffix. */
    public record Parts(String ruleId, String instanceId, String metricName, Map<String, String> series) {

        public Parts(String ruleId, String instanceId, String metricName) {
            this(ruleId, instanceId, metricName, Map.of());
        }
    }

    /**
     * Splits an alert key: the rule id is up to the first ':' (rule ids have none); a key ending in
     * '}' has a series suffix from the last '{' (encoded values hold no '{', ':' or '}'); the metric
     * name is after the last ':' before it (metric names selected by rules have none), the instance
     * id is what lies between (it may contain ':').
     *
     * @return the parts, or {@code null} when {@code alertKey} is not of that shape
     */
    public static Parts parse(String alertKey) {
        if (alertKey == null) {
            return null;
        }
        String base = alertKey;
        Map<String, String> series = Map.of();
        if (alertKey.endsWith("}")) {
            int open = alertKey.lastIndexOf('{');
            if (open < 0) {
                return null;
            }
            series = series(alertKey.substring(open + 1, alertKey.length() - 1));
            if (series == null) {
                return null;
            }
            base = alertKey.substring(0, open);
        }
        int first = base.indexOf(':');
        int last = base.lastIndexOf(':');
        if (first <= 0 || last <= first + 1 || last == base.length() - 1) {
            return null;
        }
        return new Parts(base.substring(0, first), base.substring(first + 1, last), base.substring(last + 1), series);
    }

    /** {@code tag=value,...} (values encoded) as a map in key order, or {@code null} when malformed. */
    private static Map<String, String> series(String text) {
        if (text.isEmpty()) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : text.split(",", -1)) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || !TAG_NAME.matcher(pair.substring(0, eq)).matches()) {
                return null;
            }
            String value = decode(pair.substring(eq + 1));
            if (value == null || out.put(pair.substring(0, eq), value) != null) {
                return null;
            }
        }
        return Collections.unmodifiableMap(out);
    }

    private static void encode(String value, StringBuilder out) {
        if (value == null) {
            return;
        }
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
                    || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
            }
        }
    }

    /** The value of an encoded one, or {@code null} when it is not what {@link #encode} writes. */
    private static String decode(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= text.length()) {
                    return null;
                }
                int hi = Character.digit(text.charAt(i + 1), 16);
                int lo = Character.digit(text.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                bytes.write(c);
            } else {
                return null;
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
