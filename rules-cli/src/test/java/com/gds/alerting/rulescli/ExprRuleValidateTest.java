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
 * reported at its place in the YAML file, whatever the scalar style; a valid expression is still
 * refused, because the topology cannot evaluate it yet.
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
                Arguments.of("a valid expression cannot be published yet", """
                            expr: time() - process_start_time_seconds < 60
                        """, "rules.yaml:3:11: error: expr: the expression is valid, but expression rules are not evaluated"));
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
