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
                        """, "rules.yaml:5:10: error: 'for' must be a duration such as 30s, 5m, 1h30m or 2d"),
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
                        """, "rules.yaml:5:1: error: YAML syntax:"));
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
    void acceptsAValidFileWithEveryThresholdConstruct() {
        CliRun run = CliRun.of("validate", Path.of("src/test/resources/every-construct.yaml").toString());

        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().contains("OK: 2 rules, 0 errors, 0 warnings"), run.out());
    }
}
