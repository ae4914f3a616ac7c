package com.gds.alerting.rulescli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code gds-rules validate} on rules with an {@code expr:} (issue 18): a syntax or type error is
 * reported at its place in the YAML file, whatever the scalar style; a metric no collector publishes is
 * a warning with a did-you-mean; valid rules of both forms (one expression with severities, one
 * expression per severity) become EXPR rule records.
 */
class ExprRuleValidateTest {

    private static final String HEAD = """
            rules:
              - id: rollbacks
            """;

    @TempDir
    Path dir;

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("plain scalar: the missing ')' at the end of the line", """
                            expr: rate(xact_rollback[5m] > 0.1
                        """, "rules.yaml:3:39: error: expr: unexpected end of expression; expected one of: ')', ','"),
                Arguments.of("double-quoted scalar: the column skips the quote", """
                            expr: "rate(xact_rollback) > 0.1"
                        """, "rules.yaml:3:17: error: expr: argument 1 of rate() must be a range vector"),
                Arguments.of("literal block: the line inside the block (grup_left reads as a metric, so sum is unexpected)", """
                            expr: |
                              sum by (database) (rate(xact_rollback[5m]))
                                / on(database) grup_left sum by (database) (rate(xact_commit[5m]))
                        """, "rules.yaml:5:34: error: expr: unexpected 'sum'"),
                Arguments.of("folded block: the source line the column falls on", """
                            expr: >
                              sum(rate(xact_rollback[5m]))
                              / sum(ratee(xact_commit[5m]))
                        """, "rules.yaml:5:13: error: expr: unknown function ratee; did you mean rate?"),
                Arguments.of("one expression needs severities to judge its value", """
                            expr: rate(xact_rollback_total[5m])
                        """, "error: rule 'rollbacks': severities: an EXPR rule with one expression needs at least one"
                        + " condition"),
                Arguments.of("per severity: an unknown severity", """
                            expr:
                              urgent: up < 1
                        """, "rules.yaml:4:7: error: unknown severity 'urgent'"),
                Arguments.of("per severity: the recovery expression is checked too", """
                            expr:
                              warning: {expr: connections_used > 80, recovery: connections_used >> 70}
                        """, "rules.yaml:4:74: error: expr: unexpected '>'"),
                Arguments.of("a tag matcher belongs in the expression", """
                            match: [database = orders]
                            expr: {critical: up < 1}
                        """, "error: rule 'rollbacks': match[0].label: an EXPR rule's selector says which instances"));
    }

    @org.junit.jupiter.api.Test
    void rulesOfBothFormsValidateAndBecomeExprRecords() {
        Path file = CliRun.write(dir, "rules.yaml", """
                rules:
                  - id: pg-rollback-ratio
                    match: [database_type = postgresql]
                    expr: |
                      rate(xact_rollback_total[5m])
                        / (rate(xact_commit_total[5m]) + rate(xact_rollback_total[5m]))
                    severities:
                      warning: "> 0.05"
                      critical: {when: "> 0.2", recovery: 0.1}
                    for: 10m
                    summary: "{{instance_id}}: {{ $value }} of transactions roll back"
                  - id: pg-connections
                    match: [database_type = postgresql]
                    expr:
                      warning: connections_used > connections_max * 0.8
                      critical: {expr: connections_used > connections_max * 0.95, recovery: connections_used > connections_max * 0.9}
                    for: 1m
                    keep_firing_for: 5m
                """);
        CliRun run = CliRun.of("validate", "--strict", file.toString());
        assertEquals(0, run.exit(), run.toString());
        var result = com.gds.alerting.rulescli.rules.RuleChecker.check(java.util.List.of(file));
        var ratio = result.records().get(0);
        assertEquals(com.gds.alerting.avro.RuleKind.EXPR, ratio.getKind());
        assertEquals("", ratio.getSelector().getMetricName());
        assertTrue(ratio.getExpr().getExpression().startsWith("rate(xact_rollback_total[5m])"));
        assertEquals(2, ratio.getConditions().size());
        var connections = result.records().get(1);
        assertEquals(com.gds.alerting.avro.RuleKind.EXPR, connections.getKind());
        assertEquals(2, connections.getExpr().getLevels().size());
        assertEquals("connections_used > connections_max * 0.9", connections.getExpr().getLevels().get(1).getRecoveryExpression());
    }

    @org.junit.jupiter.api.Test
    void aMetricNoCollectorPublishesIsAWarningWithTheClosestName() {
        Path file = CliRun.write(dir, "rules.yaml", HEAD + """
                    match: [database_type = postgresql]
                    expr: {warning: connection_used > connections_max * 0.8}
                """);
        CliRun run = CliRun.of("validate", file.toString());
        assertEquals(0, run.exit(), run.toString());
        String out = run.out().replace(file.toString(), "rules.yaml");
        assertTrue(out.contains("rules.yaml:4:21: warning: expr: no collector of postgresql publishes a metric 'connection_used';"
                + " did you mean 'connections_used'?"), out);
        assertEquals(1, CliRun.of("validate", "--strict", file.toString()).exit(), "--strict refuses warnings");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reportsTheExpressionsPlaceInTheFile(String reason, String body, String expected) {
        Path file = CliRun.write(dir, "rules.yaml", HEAD + body);
        CliRun run = CliRun.of("validate", file.toString());
        assertEquals(1, run.exit(), reason + "\n" + run);
        String out = run.out().replace(file.toString(), "rules.yaml");
        assertTrue(out.contains(expected), reason + ": expected\n  " + expected + "\nin\n" + out);
    }
}
