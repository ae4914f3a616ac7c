package com.gds.alerting.topologies.expr;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * An immutable label set, sorted by name, as Prometheus' {@code labels.Labels}: a label with an
 * empty value does not exist. The metric name is the label {@value #METRIC_NAME}.
 */
public final class Labels implements Comparable<Labels> {

    public static final String METRIC_NAME = "__name__";
    public static final Labels EMPTY = new Labels(new TreeMap<>());

    private final TreeMap<String, String> map;

    private Labels(TreeMap<String, String> map) {
        this.map = map;
    }

    public static Labels of(Map<String, String> labels) {
        TreeMap<String, String> copy = new TreeMap<>();
        labels.forEach((k, v) -> {
            if (v != null && !v.isEmpty()) {
                copy.put(k, v);
            }
        });
        return new Labels(copy);
    }

    /** Pairs: name, value, name, value… */
    public static Labels of(String... pairs) {
        TreeMap<String, String> m = new TreeMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            if (!pairs[i + 1].isEmpty()) {
                m.put(pairs[i], pairs[i + 1]);
            }
        }
        return new Labels(m);
    }

    /** The value of a label, "" when absent (Prometheus' rule: absent and empty are the same). */
    public String get(String name) {
        return map.getOrDefault(name, "");
    }

    public boolean has(String name) {
        return map.containsKey(name);
    }

    public Map<String, String> asMap() {
        return java.util.Collections.unmodifiableMap(map);
    }

    public boolean isEmpty() {
        return map.isEmpty();
    }

    public Labels without(Collection<String> names) {
        TreeMap<String, String> m = new TreeMap<>(map);
        names.forEach(m::remove);
        return new Labels(m);
    }

    public Labels withoutMetricName() {
        return map.containsKey(METRIC_NAME) ? without(List.of(METRIC_NAME)) : this;
    }

    public Labels keep(Collection<String> names) {
        TreeMap<String, String> m = new TreeMap<>();
        for (String n : names) {
            String v = map.get(n);
            if (v != null) {
                m.put(n, v);
            }
        }
        return new Labels(m);
    }

    /** Sets (or, with an empty value, deletes) one label. */
    public Labels with(String name, String value) {
        TreeMap<String, String> m = new TreeMap<>(map);
        if (value == null || value.isEmpty()) {
            m.remove(name);
        } else {
            m.put(name, value);
        }
        return new Labels(m);
    }

    /** Prometheus' {@code labels.Compare}: label by label, name then value; a prefix sorts first. */
    @Override
    public int compareTo(Labels o) {
        var a = map.entrySet().iterator();
        var b = o.map.entrySet().iterator();
        while (a.hasNext() && b.hasNext()) {
            var ea = a.next();
            var eb = b.next();
            int c = ea.getKey().compareTo(eb.getKey());
            if (c != 0) {
                return c;
            }
            c = ea.getValue().compareTo(eb.getValue());
            if (c != 0) {
                return c;
            }
        }
        return Boolean.compare(a.hasNext(), b.hasNext());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Labels l && l.map.equals(map);
    }

    @Override
    public int hashCode() {
        return map.hashCode();
    }

    /** Prometheus' text form: {@code {a="1", b="2"}}. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        for (var e : map.entrySet()) {
            parts.add(e.getKey() + "=" + quote(e.getValue()));
        }
        return "{" + String.join(", ", parts) + "}";
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }

    Set<String> names() {
        return map.keySet();
    }
}
