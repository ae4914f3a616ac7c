package com.gds.alerting.rulescli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestCommandTest {

    @TempDir
    Path dir;

    @BeforeEach
    void rules() {
        CliRun.write(dir, "rules.yaml", """
                rules:
                  - id: conn
                    metric: connections_used_ratio
                    severities:
                      warning: {when: '> 0.8', recovery: 0.75}
                      critical: '> 0.95'
                    for: 2m
                    summary: "{{instance_id}} at {{value}}"
                """);
    }

    private Path test(String expectationsAt5m) {
        return CliRun.write(dir, "rules.test.yaml", """
                rule_files: [rules.yaml]
                tests:
                  - name: saturation
                    interval: 1m
                    input_series:
                      - series: 'connections_used_ratio{instance_id="pg-1"}'
                        values: '0.5 0.85x3 0.97 0.78 0.7'
                    alert_rule_test:
                      - eval_time: 2m
                        exp_alerts:
                          - {instance_id: pg-1, severity: warning, state: pending}
                      - eval_time: 5m
                        exp_alerts:
                """ + expectationsAt5m + """
                      - eval_time: 7m
                        exp_alerts: []
                """);
    }

    @Test
    void passesWhenTheExpectationsHold() {
        Path file = test("          - {rule: conn, instance_id: pg-1, severity: critical, summary: 'pg-1 at 0.97'}\n");

        CliRun run = CliRun.of("test", file.toString());

        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().contains("PASSED: 3 evaluations passed, 0 failed, in 1 test files"), run.out());
    }

    @Test
    void failsWithAReadableDiffOnAWrongExpectation() {
        Path file = test("          - {rule: conn, instance_id: pg-1, severity: warning}\n");

        CliRun run = CliRun.of("test", file.toString());

        assertEquals(1, run.exit(), run.toString());
        String out = run.out().replace(dir + "/", "");
        assertTrue(out.contains("FAIL rules.test.yaml:12: saturation, at eval_time 5m (2026-03-02T10:05:00Z)"), out);
        assertTrue(out.contains("    - rule=conn instance_id=pg-1 severity=warning state=firing   (expected at line 14, not firing)"), out);
        assertTrue(out.contains("    + rule=conn instance_id=pg-1 metric=connections_used_ratio severity=critical state=firing"
                + " value=0.97"), out);
        assertTrue(out.contains("(firing, not expected)"), out);
        assertTrue(out.contains("FAILED: 2 evaluations passed, 1 failed"), out);
    }

    /** promtool's exp_alerts: an empty list asserts that nothing fires; a pending alert is not firing. */
    @Test
    void anEmptyListAssertsThatNothingFiresAndPendingIsOptIn() {
        Path firing = test("          []\n");
        Path pendingOnly = CliRun.write(dir, "pending.test.yaml", """
                rule_files: [rules.yaml]
                tests:
                  - name: pending is not firing
                    input_series:
                      - series: 'connections_used_ratio{instance_id="pg-1"}'
                        values: '0.9'
                    alert_rule_test:
                      - eval_time: 0m
                        exp_alerts: []
                """);
        Path pendingExpected = CliRun.write(dir, "pending-expected.test.yaml", """
                rule_files: [rules.yaml]
                tests:
                  - name: state pending compares pending alerts
                    input_series:
                      - series: 'connections_used_ratio{instance_id="pg-1"}'
                        values: '0.9'
                    alert_rule_test:
                      - eval_time: 0m
                        exp_alerts:
                          - {instance_id: pg-1, severity: critical, state: pending}
                """);

        CliRun run = CliRun.of("test", firing.toString());
        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.out().contains("    + rule=conn instance_id=pg-1 metric=connections_used_ratio severity=critical state=firing"),
                run.out());
        assertEquals(0, CliRun.of("test", pendingOnly.toString()).exit());
        run = CliRun.of("test", pendingExpected.toString());
        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.out().contains("    + rule=conn instance_id=pg-1 metric=connections_used_ratio severity=warning state=pending"),
                run.out());
    }

    @Test
    void anInvalidRuleFileFailsTheTestWithItsDiagnostics() {
        CliRun.write(dir, "rules.yaml", "rules:\n  - id: conn\n    metric: m\n    severities: {warning: '> 1'}\n    fro: 2m\n");
        Path file = test("          []\n");

        CliRun run = CliRun.of("test", file.toString());

        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.out().contains("rules.yaml:5:5: error: unknown field 'fro' in a rule; did you mean 'for'?"), run.out());
    }
}
