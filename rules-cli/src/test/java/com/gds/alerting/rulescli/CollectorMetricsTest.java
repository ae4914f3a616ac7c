package com.gds.alerting.rulescli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.gds.alerting.rulescli.rules.CollectorMetrics;
import com.gds.alerting.rulescli.rules.SeriesTagCatalog;

/** collector-metrics.tsv names only metrics docs/collectors.md documents, and every metric of series-tags.tsv. */
class CollectorMetricsTest {

    @Test
    void everyListedMetricIsDocumentedAndTheSeriesCatalogIsCovered() throws IOException {
        String doc = Files.readString(Path.of("../docs/collectors.md"));
        List<String> undocumented = new ArrayList<>();
        for (String type : CollectorMetrics.databaseTypes()) {
            for (String metric : CollectorMetrics.names(type)) {
                if (!doc.contains("`" + metric + "`") && !doc.contains("`" + metric + "{")) {
                    undocumented.add(type + " " + metric);
                }
            }
        }
        assertEquals(List.of(), undocumented);
        assertEquals(Set.of("postgresql", "mssql", "mongodb", "snowflake"), CollectorMetrics.databaseTypes());
        for (SeriesTagCatalog.Entry e : SeriesTagCatalog.entries()) {
            assertTrue(CollectorMetrics.names(e.databaseType()).contains(e.metric()), e.toString());
        }
    }
}
