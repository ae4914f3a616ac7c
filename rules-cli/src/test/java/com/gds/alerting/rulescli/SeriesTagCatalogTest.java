package com.gds.alerting.rulescli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.gds.alerting.rulescli.rules.SeriesTagCatalog;

/**
 * The series-tag catalog says what the collectors publish: every tag a collector puts on a metric
 * (read from the collectors' sources, where it is a literal) is in the catalog for that metric and
 * database type, as an identity tag or an attribute. A collector that starts tagging a metric fails
 * this test until the catalog says whether rules on it need {@code by}.
 */
class SeriesTagCatalogTest {

    private static final Path COLLECTORS = Path.of("../collectors/src/main/java/com/gds/alerting/collectors");
    private static final Map<String, String> DATABASE_TYPE_BY_PACKAGE = Map.of("postgres", "postgresql", "mssql", "mssql",
            "mongodb", "mongodb", "snowflake", "snowflake");
    /** {@code Sample.of("metric", value, "tag", tagValue)}. */
    private static final Pattern ONE_TAG = Pattern.compile("Sample\\.of\\(\\s*\"([a-z_0-9]+)\"\\s*,([^;]*?),\\s*\"([a-z_]+)\"\\s*,",
            Pattern.DOTALL);
    /** {@code new Sample("metric", value, Map.of("tag", v, "tag2", v2...), ...)}. */
    private static final Pattern MAP_TAGS = Pattern.compile("new Sample\\(\\s*\"([a-z_0-9]+)\"\\s*,[^;]*?Map\\.of\\(([^;]*?)\\)\\s*,",
            Pattern.DOTALL);
    private static final Pattern MAP_KEY = Pattern.compile("(?:^|,)\\s*\"([a-z_]+)\"\\s*,");

    @Test
    void everyLiteralTagOfEveryCollectorIsInTheCatalog() throws IOException {
        Map<String, Set<String>> published = published();
        assertFalse(published.isEmpty(), "no tagged samples found under " + COLLECTORS.toAbsolutePath());
        Map<String, Set<String>> known = new HashMap<>();
        for (SeriesTagCatalog.Entry e : SeriesTagCatalog.entries()) {
            Set<String> tags = known.computeIfAbsent(e.databaseType() + " " + e.metric(), k -> new LinkedHashSet<>());
            tags.addAll(e.identity());
            tags.addAll(e.attributes());
        }
        List<String> missing = new ArrayList<>();
        published.forEach((metric, tags) -> {
            for (String tag : tags) {
                if (!known.getOrDefault(metric, Set.of()).contains(tag)) {
                    missing.add(metric + "{" + tag + "}");
                }
            }
        });
        assertEquals(List.of(), missing.stream().sorted().toList(), "tags the collectors publish that series-tags.tsv does not know");
    }

    /** "databaseType metric" to the literal tags the collectors put on it. */
    private static Map<String, Set<String>> published() throws IOException {
        Map<String, Set<String>> out = new HashMap<>();
        for (Map.Entry<String, String> pkg : DATABASE_TYPE_BY_PACKAGE.entrySet()) {
            List<Path> sources;
            try (Stream<Path> files = Files.list(COLLECTORS.resolve(pkg.getKey()))) {
                sources = files.filter(p -> p.toString().endsWith(".java")).toList();
            }
            for (Path source : sources) {
                String text = Files.readString(source);
                Matcher one = ONE_TAG.matcher(text);
                while (one.find()) {
                    out.computeIfAbsent(pkg.getValue() + " " + one.group(1), k -> new LinkedHashSet<>()).add(one.group(3));
                }
                Matcher map = MAP_TAGS.matcher(text);
                while (map.find()) {
                    Matcher key = MAP_KEY.matcher(map.group(2));
                    while (key.find()) {
                        out.computeIfAbsent(pkg.getValue() + " " + map.group(1), k -> new LinkedHashSet<>()).add(key.group(1));
                    }
                }
            }
        }
        return out;
    }
}
