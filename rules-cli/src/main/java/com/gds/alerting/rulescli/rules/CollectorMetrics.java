package com.gds.alerting.rulescli.rules;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every metric name the collectors publish, per database type ({@code collector-metrics.tsv} beside
 * this class, checked against docs/collectors.md by a test). Lets {@code gds-rules import
 * prometheus} refuse a rule on a metric nothing publishes, with a did-you-mean.
 */
public final class CollectorMetrics {

    private static final String RESOURCE = "collector-metrics.tsv";
    private static final Map<String, Set<String>> BY_TYPE = load();

    private CollectorMetrics() {
    }

    /** The database types the collectors serve. */
    public static Set<String> databaseTypes() {
        return BY_TYPE.keySet();
    }

    /** The metrics of {@code databaseType}, or of every type when it is null. */
    public static Set<String> names(String databaseType) {
        if (databaseType != null) {
            return BY_TYPE.getOrDefault(databaseType, Set.of());
        }
        Set<String> all = new TreeSet<>();
        BY_TYPE.values().forEach(all::addAll);
        return all;
    }

    private static Map<String, Set<String>> load() {
        try (InputStream in = CollectorMetrics.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            Map<String, TreeSet<String>> out = new LinkedHashMap<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] cols = line.split("\t");
                if (cols.length != 2) {
                    throw new IllegalStateException(RESOURCE + ": not 2 tab-separated columns: " + line);
                }
                out.computeIfAbsent(cols[0], k -> new TreeSet<>()).add(cols[1]);
            }
            Map<String, Set<String>> frozen = new LinkedHashMap<>();
            out.forEach((k, v) -> frozen.put(k, Collections.unmodifiableSortedSet(v)));
            return Collections.unmodifiableMap(frozen);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
