package com.gds.alerting.rulescli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code by} in a rule file: refused with file, line and field when it cannot work; warned about when it is missing. */
class SeriesByValidationTest {

    @TempDir
    Path dir;

    @Test
    void aBadTagNameIsAnErrorAtItsLineNamingTheField() {
        Path file = CliRun.write(dir, "rules.yaml", """
                rules:
                  - id: xid
                    metric: xid_wraparound_age
                    by: [database, "data base"]
                    severities: {high: '> 1.2e9'}
                """);

        CliRun run = CliRun.of("validate", file.toString());

        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.toString().contains("rules.yaml:4:20: error: rule 'xid': by[1]: 'data base' is not a tag name"), run.toString());
    }

    @Test
    void byOnAnSloRuleIsAnError() {
        Path file = CliRun.write(dir, "rules.yaml", """
                rules:
                  - id: avail
                    metric: up
                    by: [database]
                    slo:
                      sli: threshold
                      good: '== 1'
                      objective: 0.999
                      period: 30d
                """);

        CliRun run = CliRun.of("validate", file.toString());

        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.toString().contains("rules.yaml:4:9: error: rule 'avail': by: an SLO rule keeps one error budget per instance"),
                run.toString());
    }

    @Test
    void aRuleOnAPerDatabaseMetricWithoutByIsWarnedAboutAndRefusedWhenStrict() {
        Path file = CliRun.write(dir, "rules.yaml", """
                rules:
                  - id: xid
                    metric: xid_wraparound_age
                    match: [database_type = postgresql]
                    severities: {high: '> 1.2e9'}
                """);

        CliRun lenient = CliRun.of("validate", file.toString());
        CliRun strict = CliRun.of("validate", "--strict", file.toString());

        assertEquals(0, lenient.exit(), lenient.toString());
        assertTrue(lenient.out().contains("rules.yaml:3:13: warning: rule 'xid': 'xid_wraparound_age' is published as one series per"
                + " database on postgresql"), lenient.out());
        assertTrue(lenient.out().contains("add 'by: [database]'"), lenient.out());
        assertEquals(1, strict.exit(), strict.toString());
    }

    @Test
    void noWarningWithByOrWhenAMatcherPinsTheSeriesOrTheDatabaseTypePublishesOneSeries() {
        Path file = CliRun.write(dir, "rules.yaml", """
                rules:
                  - id: xid
                    metric: xid_wraparound_age
                    by: [database]
                    severities: {high: '> 1.2e9'}
                  - id: xid-orders
                    metric: xid_wraparound_age
                    match: [database = orders]
                    severities: {high: '> 1.2e9'}
                  - id: pg-lag
                    metric: replication_lag_seconds
                    match: [database_type = postgresql]
                    severities: {warning: '> 30'}
                """);

        CliRun run = CliRun.of("validate", "--strict", file.toString());

        assertEquals(0, run.exit(), run.toString());
        assertFalse(run.out().contains(": warning:"), run.out());
    }

    @Test
    void aRuleOnReplicationLagOfEveryDatabaseTypeIsWarnedAboutForMongodbMembers() {
        Path file = CliRun.write(dir, "rules.yaml", """
                rules:
                  - id: lag
                    metric: replication_lag_seconds
                    severities: {warning: '> 30'}
                """);

        CliRun run = CliRun.of("validate", file.toString());

        assertTrue(run.out().contains("'replication_lag_seconds' is published as one series per member on mongodb"), run.out());
    }
}
