package com.gds.alerting.rulescli.importer;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import com.gds.alerting.rulescli.rules.CollectorMetrics;

/**
 * How an exporter's metric and label names translate to the collectors' ({@code --metric-map}):
 * {@code rules/import/*.yaml}. A metric maps only when its meaning is the same; a unit that differs
 * carries {@code scale} (collector value = exporter value × scale, applied to the threshold).
 * {@code not_mapped} names exporter metrics that look alike but mean something else, with why, so
 * the import refuses them with that reason instead of "unknown metric".
 */
record MetricMap(String source, String exporter, String databaseType, List<Mapping> metrics,
                 Map<String, String> labels, Map<String, String> notMapped) {

    /** One exporter metric (optionally only with some labels pinned by {@code =}) to one collector metric. */
    record Mapping(String from, Map<String, String> where, String to, double scale, String note) {
    }

    /** No map: metric and label names are taken as they are. */
    static final MetricMap NONE = new MetricMap(null, null, null, List.of(), Map.of(), Map.of());

    private static final Set<String> KEYS = Set.of("exporter", "database_type", "labels", "metrics", "not_mapped");
    private static final Set<String> MAPPING_KEYS = Set.of("from", "where", "to", "scale", "note");

    /** @throws IllegalArgumentException naming the file and what is wrong with it */
    static MetricMap load(Path file) throws IOException {
        Object root;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": not YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        Map<String, Object> map = asMap(root, file + ": a metric map is a mapping with " + KEYS);
        for (String key : map.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException(file + ": unknown key '" + key + "' (known: exporter, database_type, labels, metrics, not_mapped)");
            }
        }
        String databaseType = string(map.get("database_type"));
        if (databaseType != null && !CollectorMetrics.databaseTypes().contains(databaseType)) {
            throw new IllegalArgumentException(file + ": database_type '" + databaseType + "' is not one of " + CollectorMetrics.databaseTypes());
        }
        List<Mapping> metrics = new ArrayList<>();
        Object list = map.getOrDefault("metrics", List.of());
        if (!(list instanceof List<?> items)) {
            throw new IllegalArgumentException(file + ": 'metrics' is a list of {from, to, where?, scale?, note?}");
        }
        for (Object item : items) {
            Map<String, Object> m = asMap(item, file + ": each of 'metrics' is {from, to, where?, scale?, note?}");
            for (String key : m.keySet()) {
                if (!MAPPING_KEYS.contains(key)) {
                    throw new IllegalArgumentException(file + ": metrics: unknown key '" + key + "' in " + m);
                }
            }
            String from = string(m.get("from"));
            String to = string(m.get("to"));
            if (from == null || to == null) {
                throw new IllegalArgumentException(file + ": metrics: 'from' and 'to' are required in " + m);
            }
            double scale = m.get("scale") instanceof Number n ? n.doubleValue() : 1.0;
            if (m.containsKey("scale") && !(m.get("scale") instanceof Number) || scale == 0 || !Double.isFinite(scale)) {
                throw new IllegalArgumentException(file + ": metrics: scale of " + from + " is not a non-zero number");
            }
            metrics.add(new Mapping(from, strings(m.get("where"), file), to, scale, string(m.get("note"))));
        }
        return new MetricMap(file.toString(), string(map.get("exporter")), databaseType, List.copyOf(metrics),
                strings(map.get("labels"), file), strings(map.get("not_mapped"), file));
    }

    /** The collector's name of an exporter label (the label itself when the map does not rename it). */
    String label(String exporterLabel) {
        return labels.getOrDefault(exporterLabel, exporterLabel);
    }

    boolean isNone() {
        return source == null;
    }

    private static Map<String, Object> asMap(Object o, String problem) {
        if (!(o instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(problem);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    private static Map<String, String> strings(Object o, Path file) {
        if (o == null) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        asMap(o, file + ": expected a mapping of names to names, got " + o).forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
    }

    private static String string(Object o) {
        return o == null ? null : String.valueOf(o);
    }
}
