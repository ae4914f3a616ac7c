package com.gds.alerting.rulescli.backtest;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.MetricMetadata;

/**
 * Recorded metrics from a file, for backtests.
 *
 * <ul>
 *   <li><b>JSON lines</b> ({@code .jsonl}, {@code .json}): one object per line with {@code timestamp}
 *   (ISO-8601 instant or epoch milliseconds), {@code database_type}, {@code instance_id}, {@code
 *   metric_name}, {@code value} and optional {@code tags} (an object; {@code environment} there
 *   picks the metrics topic, default {@code prod}) — the {@code Metric} record as JSON.</li>
 *   <li><b>CSV</b> ({@code .csv}): a header line naming the columns {@code timestamp,
 *   database_type, instance_id, metric_name, value} in any order; every other column is a tag.
 *   No quoting: values must not contain commas.</li>
 * </ul>
 */
public final class MetricFile {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> REQUIRED = List.of("timestamp", "database_type", "instance_id", "metric_name", "value");

    private MetricFile() {
    }

    /** The samples of {@code file}; throws with the file and line of the first bad one. */
    public static List<Metric> read(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return name.endsWith(".csv") ? csv(file, reader) : jsonLines(file, reader);
        }
    }

    private static List<Metric> jsonLines(Path file, BufferedReader reader) throws IOException {
        List<Metric> out = new ArrayList<>();
        int lineNo = 0;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode n = JSON.readTree(line);
                Map<String, String> tags = new HashMap<>();
                JsonNode t = n.path("tags");
                for (Iterator<Map.Entry<String, JsonNode>> it = t.fields(); it.hasNext(); ) {
                    var e = it.next();
                    tags.put(e.getKey(), e.getValue().asText());
                }
                JsonNode ts = n.path("timestamp");
                Instant at = ts.isNumber() ? Instant.ofEpochMilli(ts.asLong()) : Instant.parse(required(n, "timestamp"));
                String type = required(n, "database_type");
                String instance = required(n, "instance_id");
                String metric = required(n, "metric_name");
                if (!n.path("value").isNumber()) {
                    throw new IllegalArgumentException("'value' must be a number");
                }
                out.add(metric(at, type, instance, metric, n.path("value").asDouble(), tags));
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException(file + ":" + lineNo + ": not a metric line: " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static String required(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("missing '" + field + "'");
        }
        return v.asText();
    }

    private static List<Metric> csv(Path file, BufferedReader reader) throws IOException {
        String header = reader.readLine();
        if (header == null) {
            return List.of();
        }
        String[] columns = header.trim().split("\\s*,\\s*");
        List<String> names = List.of(columns);
        for (String r : REQUIRED) {
            if (!names.contains(r)) {
                throw new IllegalArgumentException(file + ":1: the CSV header needs the column '" + r + "'; it has " + names);
            }
        }
        List<Metric> out = new ArrayList<>();
        int lineNo = 1;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.split("\\s*,\\s*", -1);
            if (cells.length != columns.length) {
                throw new IllegalArgumentException(file + ":" + lineNo + ": " + cells.length + " cells, the header has " + columns.length);
            }
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < columns.length; i++) {
                row.put(columns[i], cells[i].trim());
            }
            try {
                String ts = row.remove("timestamp");
                Instant at = ts.matches("\\d+") ? Instant.ofEpochMilli(Long.parseLong(ts)) : Instant.parse(ts);
                String type = row.remove("database_type");
                String instance = row.remove("instance_id");
                String metric = row.remove("metric_name");
                double value = Double.parseDouble(row.remove("value"));
                row.values().removeIf(String::isEmpty);
                out.add(metric(at, type, instance, metric, value, row));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(file + ":" + lineNo + ": not a metric row: " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static Metric metric(Instant at, String type, String instance, String name, double value, Map<String, String> tags) {
        return Metric.newBuilder().setTimestamp(at).setDatabaseType(type).setInstanceId(instance).setMetricName(name)
                .setValue(value).setTags(tags).setMetadata(new MetricMetadata(0L, "gds-rules-backtest", "replay")).build();
    }
}
