package com.gds.alerting.rulescli.rules;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.gds.alerting.avro.MatchOp;
import com.gds.alerting.avro.Matcher;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.RuleKind;

/**
 * Which metrics the collectors publish as several series on one instance, and the tags that tell
 * those series apart ({@code series-tags.tsv} beside this class, checked against the collectors'
 * sources by a test). Lets {@code gds-rules validate} warn about a rule whose series would share
 * one alert because it has no {@code by}.
 */
public final class SeriesTagCatalog {

    /** One metric of one database type: its identity tags, and tags that only describe a series. */
    public record Entry(String databaseType, String metric, List<String> identity, List<String> attributes) {
    }

    private static final String RESOURCE = "series-tags.tsv";
    private static final List<Entry> ENTRIES = load();

    private SeriesTagCatalog() {
    }

    public static List<Entry> entries() {
        return ENTRIES;
    }

    /**
     * The identity tags of the series {@code rule} selects that its {@code by} does not list and no
     * {@code tag = value} matcher pins, with the database types that publish them so; empty when its
     * series cannot share an alert (as far as the collectors' catalog knows). SLO rules are not
     * looked at: they cannot have {@code by}.
     */
    public static Missing missing(Rule rule) {
        if (rule.getKind() == RuleKind.SLO) {
            return Missing.NONE;
        }
        String metric = rule.getSelector().getMetricName();
        String databaseType = pinned(rule, "database_type");
        Set<String> tags = new LinkedHashSet<>();
        Set<String> types = new LinkedHashSet<>();
        for (Entry e : ENTRIES) {
            if (!e.metric().equals(metric) || databaseType != null && !databaseType.equals(e.databaseType())) {
                continue;
            }
            for (String tag : e.identity()) {
                if (!rule.getBy().contains(tag) && pinned(rule, tag) == null) {
                    tags.add(tag);
                    types.add(e.databaseType());
                }
            }
        }
        return tags.isEmpty() ? Missing.NONE : new Missing(List.copyOf(tags), List.copyOf(types));
    }

    /** What a rule leaves out of {@code by}, and on which database types. */
    public record Missing(List<String> tags, List<String> databaseTypes) {
        static final Missing NONE = new Missing(List.of(), List.of());

        public boolean any() {
            return !tags.isEmpty();
        }
    }

    private static String pinned(Rule rule, String label) {
        for (Matcher m : rule.getSelector().getMatchers()) {
            if (m.getOp() == MatchOp.EQ && m.getLabel().equals(label)) {
                return m.getValue();
            }
        }
        return null;
    }

    private static List<Entry> load() {
        try (InputStream in = SeriesTagCatalog.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            List<Entry> out = new ArrayList<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] cols = line.split("\t");
                if (cols.length != 4) {
                    throw new IllegalStateException(RESOURCE + ": not 4 tab-separated columns: " + line);
                }
                out.add(new Entry(cols[0], cols[1], tags(cols[2]), tags(cols[3])));
            }
            return List.copyOf(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> tags(String column) {
        return column.equals("-") ? List.of() : List.of(column.split(","));
    }
}
