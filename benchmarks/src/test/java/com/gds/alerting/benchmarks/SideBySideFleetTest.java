package com.gds.alerting.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.gds.alerting.avro.Comparison;
import com.gds.alerting.avro.MatchOp;
import com.gds.alerting.avro.Matcher;
import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.serde.AvroClassTrust;

class SideBySideFleetTest {

    /** 4 instances (one per database type) × 10 metrics; 11 rules: 10 fleet-wide, one pinned to postgresql-0's m_00. */
    private final SideBySideFleet fleet = new SideBySideFleet(40, 10, 11, 10_000, 7, 10);

    @BeforeAll
    static void trustTheProjectsAvroClasses() {
        // Avro >= 1.12.1 refuses generated classes it is not told to trust; the harness installs the same at start.
        AvroClassTrust.install();
    }

    @Test
    void theScrapedPagesAndTheKafkaRecordsCarryTheSameValues() {
        long second = 1_796_000_000L;
        Map<String, Double> scraped = new HashMap<>();
        int written = 0;
        for (String type : SideBySideFleet.TYPES) {
            StringBuilder page = new StringBuilder();
            written += fleet.exposition(type, second, page);
            for (String line : page.toString().split("\n")) {
                int space = line.lastIndexOf(' ');
                scraped.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        assertEquals(40, scraped.size(), "every series on exactly one page");
        assertEquals(40, written, "the count of series served is what the pages hold");
        for (int s = 0; s < 40; s++) {
            Metric m = fleet.metric(s, second);
            String series = m.getMetricName() + "{database_type=\"" + m.getDatabaseType() + "\",environment=\"prod\",instance_id=\""
                    + m.getInstanceId() + "\"}";
            assertEquals(m.getValue(), scraped.get(series), series);
            assertEquals(second * 1000, m.getTimestamp().toEpochMilli());
        }
    }

    @Test
    void aboutBreachPer10kOfTheSeriesBreachInABlockAndTheRestStayHealthy() {
        SideBySideFleet large = new SideBySideFleet(100_000, 10, 10, 10_000, 1, 10);
        int breaching = 0;
        for (int s = 0; s < 100_000; s++) {
            double v = large.value(s, 1_796_000_000L);
            assertTrue(v == 150 || (v >= 0 && v < 90), "value " + v);
            breaching += v > SideBySideFleet.THRESHOLD ? 1 : 0;
        }
        // 10 in 10,000 of 100,000 series: ~100 (binomial, sd ~10).
        assertTrue(breaching > 50 && breaching < 150, breaching + " series breaching");
        assertEquals(large.value(123, 1_796_000_000L), large.value(123, 1_796_000_000L), "a pure function of series and second");
    }

    @Test
    void theFirstRulesAreFleetWideOnePerMetricAndTheRestPinnedToOneInstance() {
        List<Rule> rules = fleet.projectRules();
        assertEquals(11, rules.size());
        for (int r = 0; r < 10; r++) {
            assertEquals(SideBySideFleet.metricName(r), rules.get(r).getSelector().getMetricName());
            assertEquals(List.of(), rules.get(r).getSelector().getMatchers());
        }
        Rule pinned = rules.get(10);
        assertEquals("m_00", pinned.getSelector().getMetricName());
        assertEquals(List.of(new Matcher("instance_id", MatchOp.EQ, "postgresql-0")), pinned.getSelector().getMatchers());
        rules.forEach(r -> {
            assertEquals(10_000L, r.getForMs());
            assertEquals(Comparison.GT, r.getConditions().get(0).getOp());
            assertEquals(SideBySideFleet.THRESHOLD, r.getConditions().get(0).getThreshold());
        });
    }

    /**
     * The Prometheus translation, checked by Prometheus' own rule unit tests: the same series fire the same rules
     * after the same {@code for}.
     */
    @Test
    void promtoolFindsThePrometheusRulesFireWhereTheProjectRulesDo(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("rules.yml"), fleet.prometheusRules());
        Files.writeString(dir.resolve("test.yml"), """
                rule_files: [rules.yml]
                evaluation_interval: 1s
                tests:
                  - interval: 1s
                    input_series:
                      - series: 'm_00{database_type="postgresql",environment="prod",instance_id="postgresql-0"}'
                        values: '150x30'
                      - series: 'm_00{database_type="mssql",environment="prod",instance_id="mssql-1"}'
                        values: '150x30'
                      - series: 'm_01{database_type="mssql",environment="prod",instance_id="mssql-1"}'
                        values: '100x30'
                    alert_rule_test:
                      - eval_time: 9s
                        alertname: side-by-side-0000
                        exp_alerts: []
                      - eval_time: 10s
                        alertname: side-by-side-0000
                        exp_alerts:
                          - exp_labels: {severity: critical, database_type: postgresql, environment: prod, instance_id: postgresql-0}
                          - exp_labels: {severity: critical, database_type: mssql, environment: prod, instance_id: mssql-1}
                      - eval_time: 10s
                        alertname: side-by-side-0010
                        exp_alerts:
                          - exp_labels: {severity: critical, database_type: postgresql, environment: prod, instance_id: postgresql-0}
                      - eval_time: 20s
                        alertname: side-by-side-0001
                        exp_alerts: []
                """);
        Process check = new ProcessBuilder(promtool(), "test", "rules", "test.yml").directory(dir.toFile()).redirectErrorStream(true)
                .start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, check.waitFor(), output);
    }

    /** promtool, installed by the project's script when missing (a test that needs it is never skipped). */
    private static String promtool() throws IOException, InterruptedException {
        Process ensure = new ProcessBuilder("../scripts/ensure-prometheus.sh").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String path = new String(ensure.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, ensure.waitFor(), "scripts/ensure-prometheus.sh failed");
        return path;
    }
}
