package com.gds.alerting.rulescli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ValidateCommandTest {

    private static final String HEAD = """
            rules:
              - id: conn
                metric: connections_used_ratio
            """;

    @TempDir
    Path dir;

    /** One case per error class: the rule body after the head (lines 1-3), and the expected line:column and text. */
    static Stream<Arguments> errorClasses() {
        return Stream.of(
                Arguments.of("unknown field with did-you-mean", """
                            severities: {warning: '> 0.8'}
                            sumary: x
                        """, "rules.yaml:5:5: error: unknown field 'sumary' in a rule; did you mean 'summary'?"),
                Arguments.of("bad regex", """
                            match: ['instance_id =~ "pg-(prod"']
                            severities: {warning: '> 0.8'}
                        """, "rules.yaml:4:13: error: rule 'conn': match[0].value: bad regular expression 'pg-(prod'"),
                Arguments.of("impossible ordering", """
                            severities:
                              warning: '> 0.9'
                              critical: '> 0.8'
                        """, "rules.yaml:4:5: error: rule 'conn': severities: CRITICAL threshold 0.8 would trigger before WARNING"),
                Arguments.of("recovery on the wrong side", """
                            severities:
                              warning: {when: '> 0.8', recovery: 0.9}
                        """, "rules.yaml:5:42: error: rule 'conn': severities[0].recovery: 0.9 is above the threshold 0.8"),
                Arguments.of("unknown time zone", """
                            severities: {warning: '> 0.8'}
                            schedules:
                              - time_zone: Europe/Pariss
                                start: "22:00"
                                end: "06:00"
                                severities: {warning: '> 0.95'}
                        """, "rules.yaml:6:20: error: rule 'conn': schedules[0].time_zone: unknown time zone 'Europe/Pariss'"),
                Arguments.of("bad duration", """
                            severities: {warning: '> 0.8'}
                            for: 5 minutes
                        """, "rules.yaml:5:10: error: 'for': '5 minutes' is not a duration; expected a duration such as 500ms, 30s, 5m, 1h30m, 2d"),
                Arguments.of("bad operator", """
                            severities: {warning: '=> 0.8'}
                        """, "rules.yaml:4:27: error: '=> 0.8' is not 'OP number'"),
                Arguments.of("unknown severity", """
                            severities: {urgent: '> 0.8'}
                        """, "rules.yaml:4:18: error: unknown severity 'urgent'; one of critical, high, warning, info"),
                Arguments.of("bad matcher", """
                            match: ['instance_id ~ pg']
                            severities: {warning: '> 0.8'}
                        """, "rules.yaml:4:13: error: matcher 'instance_id ~ pg' is not 'label OP value'"),
                Arguments.of("escalation without a target", """
                            severities: {warning: '> 0.8'}
                            escalate_after: 30m
                        """, "rules.yaml:5:21: error: rule 'conn': escalate_to: escalate_after is set but neither escalate_to"),
                Arguments.of("unknown template placeholder", """
                            severities: {warning: '> 0.8'}
                            summary: "{{instance}} is full"
                        """, "rules.yaml:5:14: error: rule 'conn': summary: unknown placeholder {{instance}}"),
                Arguments.of("YAML syntax", """
                            severities: {warning: '> 0.8'
                        """, "rules.yaml:5:1: error: YAML syntax:"),
                // Window, SLO and absence rules: the topology's RuleValidator, at the YAML field, in YAML names and durations.
                Arguments.of("window advance that does not divide the size", """
                            window: {aggregation: avg, size: 5m, advance: 2m}
                            severities: {warning: '> 0.8'}
                        """, "rules.yaml:4:51: error: rule 'conn': window.advance: 2m must be positive and divide size 5m"),
                Arguments.of("window grace over a day", """
                            window:
                              aggregation: p99
                              size: 5m
                              grace: 2d
                            severities: {warning: '> 0.8'}
                        """, "rules.yaml:7:14: error: rule 'conn': window.grace: 2d must be between 0 and 1d"),
                Arguments.of("unknown aggregation", """
                            window: {aggregation: median, size: 5m}
                            severities: {warning: '> 0.8'}
                        """, "rules.yaml:4:27: error: unknown aggregation 'median'; one of [avg, min, max, sum, count, p50, p95, p99, rate]"),
                Arguments.of("window kind without its window block", """
                            kind: window
                            severities: {warning: '> 0.8'}
                        """, "rules.yaml:4:11: error: rule 'conn': window: a WINDOW rule needs its window spec"),
                Arguments.of("SLO objective out of range", """
                            slo: {sli: threshold, good: '== 1', objective: 99.9, period: 30d}
                        """, "rules.yaml:4:52: error: rule 'conn': slo.objective: 99.9 must be strictly between 0 and 1"),
                Arguments.of("SLO short window not shorter than the long one", """
                            slo:
                              sli: threshold
                              good: '== 1'
                              objective: 0.999
                              period: 30d
                              burn_windows:
                                - {severity: critical, long: 1h, short: 5m, burn_rate: 14.4}
                                - {severity: warning, long: 6h, short: 6h, burn_rate: 1}
                        """, "rules.yaml:11:11: error: rule 'conn': slo.burn_windows[1]: the short window 6h must be shorter than"
                        + " the long one 6h"),
                Arguments.of("SLO window not in whole minutes", """
                            slo:
                              sli: threshold
                              good: '== 1'
                              objective: 0.999
                              period: 30d
                              burn_windows: [{severity: critical, long: 1h, short: 90s, burn_rate: 14.4}]
                        """, "rules.yaml:9:60: error: rule 'conn': slo.burn_windows[0].short: 1m30s must be a positive whole number"
                        + " of minutes"),
                Arguments.of("ratio SLI without its good or bad counter", """
                            slo: {sli: ratio, objective: 0.999, period: 30d}
                        """, "rules.yaml:4:10: error: rule 'conn': slo: a RATIO SLI needs exactly one of good_metric and bad_metric"),
                Arguments.of("threshold SLI without its good condition", """
                            slo: {sli: threshold, objective: 0.999, period: 30d}
                        """, "rules.yaml:4:16: error: rule 'conn': slo.good: a THRESHOLD SLI needs the condition a good sample meets"),
                Arguments.of("SLO rule with severities", """
                            slo: {sli: threshold, good: '== 1', objective: 0.999, period: 30d}
                            severities: {warning: '> 0.8'}
                        """, "rules.yaml:5:5: error: rule 'conn': severities: an SLO rule takes its severities from its"
                        + " slo.burn_windows; leave severities empty"),
                Arguments.of("SLO rule with a custom override", """
                            slo: {sli: threshold, good: '== 1', objective: 0.999, period: 30d}
                            overrides:
                              - match: [instance_id = pg-1]
                                severities: {warning: '> 0.8'}
                        """, "rules.yaml:7:9: error: rule 'conn': overrides[0].mode: an SLO rule has no severities to customise;"
                        + " use DISABLED or DEFAULT"),
                Arguments.of("absence without for", """
                            absence: {severity: high}
                        """, "rules.yaml:4:14: error: rule 'conn': for: an ABSENCE rule needs how long without a sample"),
                Arguments.of("absence forgotten before it fires", """
                            absence: {severity: high, forget_after: 10m}
                            for: 1h
                        """, "rules.yaml:4:45: error: rule 'conn': absence.forget_after: 10m must be longer than for 1h"),
                Arguments.of("absence rule with a schedule", """
                            absence: {severity: high}
                            for: 5m
                            schedules:
                              - {time_zone: UTC, start: "22:00", end: "06:00", severities: {warning: '< 1'}}
                        """, "rules.yaml:6:5: error: rule 'conn': schedules: an ABSENCE rule has no severities to schedule"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errorClasses")
    void reportsEachErrorClassAtItsLineAndColumn(String errorClass, String body, String expected) {
        Path file = CliRun.write(dir, "rules.yaml", HEAD + body);

        CliRun run = CliRun.of("validate", file.toString());

        assertEquals(1, run.exit(), run.toString());
        String shown = run.out().replace(dir + "/", "");
        assertTrue(shown.contains(expected), errorClass + ": expected\n  " + expected + "\nin\n" + shown);
    }

    @Test
    void reportsEveryErrorOfEveryFileInOneRun() {
        Path a = CliRun.write(dir, "a.yaml", HEAD + """
                    severities: {warning: {when: '> 0.8', recovery: 0.9}}
                    sumary: x
                """);
        Path b = CliRun.write(dir, "b.yaml", HEAD + """
                    severities: {warning: '> 0.8'}
                """);

        CliRun run = CliRun.of("validate", a.toString(), b.toString());

        assertEquals(1, run.exit(), run.toString());
        String shown = run.out().replace(dir + "/", "");
        assertTrue(shown.contains("a.yaml:4:53: error: rule 'conn': severities[0].recovery"), shown);
        assertTrue(shown.contains("a.yaml:5:5: error: unknown field 'sumary'"), shown);
        assertTrue(shown.contains("b.yaml:2:9: error: rule id 'conn' is already used at a.yaml:2:9"), shown);
        assertTrue(shown.contains("FAILED: 2 rules, 3 errors, 0 warnings"), shown);
    }

    @Test
    void keepFiringForWithoutForIsAWarningAndFailsOnlyWhenStrict() {
        Path file = CliRun.write(dir, "rules.yaml", HEAD + """
                    severities: {warning: '> 0.8'}
                    keep_firing_for: 10m
                """);

        CliRun lenient = CliRun.of("validate", file.toString());
        CliRun strict = CliRun.of("validate", "--strict", file.toString());

        assertEquals(0, lenient.exit(), lenient.toString());
        assertTrue(lenient.out().contains("rules.yaml:5:22: warning: rule 'conn': keep_firing_for is set but for is 0"), lenient.out());
        assertEquals(1, strict.exit(), strict.toString());
    }

    @Test
    void acceptsAValidFileWithEveryConstruct() {
        CliRun run = CliRun.of("validate", Path.of("src/test/resources/every-construct.yaml").toString());

        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().contains("OK: 7 rules, 0 errors, 0 warnings"), run.out());
    }
}
