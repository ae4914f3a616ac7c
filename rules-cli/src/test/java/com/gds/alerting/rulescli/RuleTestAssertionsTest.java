package com.gds.alerting.rulescli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import com.gds.alerting.contract.MessageIds;

/**
 * {@code gds-rules test} as a promtool user meets it: promtool test files that port by renaming
 * labels, exp_alerts on firing alerts, and assertions on timelines, incidents and notifications
 * that catch what per-evaluation checks cannot.
 */
class RuleTestAssertionsTest {

    private static final Instant START = Instant.parse("2026-03-02T10:00:00Z");

    @TempDir
    Path dir;

    private static Path resource(String name) {
        try {
            return Path.of(RuleTestAssertionsTest.class.getResource("/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * promtool-cases.promtool.test.yaml passes {@code promtool test rules} (2.42) against the
     * Prometheus rules next to it; its port differs only in the rule file and in naming the
     * instance label instance_id, and passes here: a for boundary where the breach starts between
     * two checks, a window average exactly at its threshold, an SLO fast burn after an hour of
     * good traffic.
     */
    @Test
    void aPromtoolTestPortsByRenamingItsFieldsAndPasses() throws IOException {
        String promtool = Files.readString(resource("promtool/promtool-cases.promtool.test.yaml"));
        String port = Files.readString(resource("promtool/promtool-cases.test.yaml"));

        String renamed = promtool.replace("rule_files: [prometheus-rules.yaml]", "rule_files: [gds-rules.yaml]")
                .replace("{instance=\"", "{instance_id=\"").replace("instance: ", "instance_id: ");
        assertEquals(renamed, port, "the port is the promtool file with only the rule file and label names changed");

        CliRun run = CliRun.of("test", resource("promtool/promtool-cases.test.yaml").toString());
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().contains("PASSED: 12 evaluations passed, 0 failed"), run.out());
    }

    /** docs/semantics.md: 52 s, 2.16 min and 4.32 min at 100% errors; 8.64 min at 10% (ratio SLI). */
    @Test
    void sloPairsFireAtTheDetectionTimesOfTheSemantics() {
        CliRun run = CliRun.of("test", resource("rule-tests/slo-detection.test.yaml").toString());

        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().contains("4 timeline/incident/notification assertions passed, 0 failed"), run.out());
    }

    /**
     * An absence alert that fires and resolves at one instant, and a lag that pages every other
     * minute: every exp_alerts and the timeline pass, the notification assertions fail and show the
     * pages.
     */
    @Test
    void notificationAssertionsCatchWhatEvaluationsAndTimelinesMiss() {
        CliRun run = CliRun.of("test", resource("rule-tests/flapping.test.yaml").toString());

        assertEquals(1, run.exit(), run.toString());
        String out = run.out();
        assertTrue(out.contains("FAILED: 4 evaluations passed, 0 failed, in 1 test files; 1 timeline/incident/notification"
                + " assertions passed, 2 failed"), out);
        assertTrue(out.contains("fires and resolves within one instant, notifications of rule=collector-silent"), out);
        assertTrue(out.contains("at=8m transition=fired severity=high incident=1 sent"), out);
        assertTrue(out.contains("at=8m transition=resolved severity=high incident=1 sent"), out);
        assertTrue(out.contains("pages repeatedly, notifications of rule=replication-lag instance_id=pg-2"), out);
        assertTrue(out.contains("  actual (6):"), out);
        assertTrue(out.contains("at=4m transition=fired severity=critical incident=3 sent"), out);
    }

    /**
     * Exact notifications and incidents, an inhibition's and a silence's suppression (and the
     * notification when the silence ends), the first series of an instant deciding.
     */
    @Test
    void notificationsIncidentsAndSuppressionsCanBeAsserted() {
        CliRun run = CliRun.of("test", resource("rule-tests/notifications.test.yaml").toString());

        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().contains("1 evaluations passed, 0 failed, in 1 test files; 8 timeline/incident/notification"
                + " assertions passed, 0 failed"), run.out());
    }

    private Path connTest(String assertions) {
        CliRun.write(dir, "rules.yaml", """
                rules:
                  - id: conn
                    metric: connections_used_ratio
                    severities:
                      warning: {when: '> 0.8', recovery: 0.75}
                      critical: '> 0.95'
                    for: 2m
                """);
        return CliRun.write(dir, "conn.test.yaml", """
                rule_files: [rules.yaml]
                tests:
                  - name: saturation
                    interval: 1m
                    input_series:
                      - series: 'connections_used_ratio{instance_id="pg-1"}'
                        values: '0.5 0.85x3 0.97 0.78 0.74'
                """ + assertions);
    }

    /** Pending 1m-3m, firing warning 3m-5m, critical 5m-6m, warning 6m-7m: one incident with two severity changes. */
    @Test
    void timelinesAndIncidentsHoldWhenRightAndShowTheTimelineWhenWrong() {
        Path right = connTest("""
                    timeline_test:
                      - {rule: conn, instance_id: pg-1, pending: [1m, 3m], firing: [3m, 7m], critical: [[5m, 6m]],
                         warning: [[3m, 5m], [6m, 7m]]}
                    incident_test:
                      - rule: conn
                        exp_incidents:
                          - {start: 3m, end: 7m, severities: [warning, critical, warning]}
                """);
        CliRun run = CliRun.of("test", right.toString());
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().contains("2 timeline/incident/notification assertions passed, 0 failed"), run.out());

        Path wrong = connTest("""
                    timeline_test:
                      - {rule: conn, firing: [2m, open]}
                    incident_test:
                      - rule: conn
                        exp_incidents:
                          - {start: 3m, end: open}
                """);
        run = CliRun.of("test", wrong.toString());
        assertEquals(1, run.exit(), run.toString());
        String out = run.out();
        assertTrue(out.contains("saturation, timeline of rule=conn\n  firing: expected [[2m, open]], actual [[3m, 7m]]"), out);
        assertTrue(out.contains("      pending   1m       .. 3m       warning"), out);
        assertTrue(out.contains("      firing    5m       .. 6m       critical"), out);
        assertTrue(out.contains("      start=3m end=open   (line"), out);
        assertTrue(out.contains("#1 start=3m end=7m severities=[warning@3m, critical@5m, warning@6m]"), out);
    }

    @Test
    void timelineOptionPrintsEachAlertsTimelineIncidentsAndNotifications() {
        Path file = connTest("    alert_rule_test:\n      - eval_time: 4m\n        exp_alerts: [{severity: warning}]\n");

        CliRun run = CliRun.of("test", "--timeline", file.toString());

        assertEquals(0, run.exit(), run.toString());
        String out = run.out().replace(dir + "/", "");
        assertTrue(out.contains("TIMELINE conn.test.yaml:3: saturation (from 2026-03-02T10:00:00Z to 7m)\n"
                + "  conn:pg-1:connections_used_ratio\n"
                + "    pending   1m       .. 3m       warning\n"
                + "    firing    3m       .. 5m       warning\n"
                + "    firing    5m       .. 6m       critical\n"
                + "    firing    6m       .. 7m       warning\n"
                + "    incident #1 start=3m end=7m severities=[warning@3m, critical@5m, warning@6m]\n"
                + "    notification at=3m transition=fired severity=warning incident=1 sent message_id="), out);
    }

    /**
     * JSON: every case with its alerts; the notifications' message ids are the contract's
     * (MessageIds: alert key, incident, incident start = the first breaching sample, transition,
     * number), which is what the dispatcher sends to gds_notification.
     */
    @Test
    void jsonOutputCarriesTimelinesIncidentsAndTheDispatchersMessageIds() throws IOException {
        Path file = connTest("    alert_rule_test:\n      - eval_time: 4m\n        exp_alerts: [{severity: critical}]\n");

        CliRun run = CliRun.of("test", "--output", "json", file.toString());

        assertEquals(1, run.exit(), run.toString());
        JsonNode root = new ObjectMapper().readTree(run.out());
        assertFalse(root.get("passed").asBoolean());
        assertEquals(0, root.at("/evaluations/passed").asInt());
        JsonNode c = root.at("/files/0/cases/0");
        assertEquals("saturation", c.get("name").asText());
        assertTrue(c.at("/failures/0").asText().contains("at eval_time 4m"), c.toString());
        JsonNode alert = c.at("/alerts/0");
        assertEquals("conn:pg-1:connections_used_ratio", alert.get("alert_key").asText());
        assertEquals("pending", alert.at("/timeline/0/state").asText());
        assertEquals("1m", alert.at("/timeline/0/from_offset").asText());
        assertEquals("2026-03-02T10:03:00Z", alert.at("/incidents/0/start").asText());
        assertEquals("7m", alert.at("/incidents/0/end_offset").asText());
        assertEquals("critical", alert.at("/incidents/0/severities/1/severity").asText());
        JsonNode fired = alert.at("/notifications/0");
        assertEquals("fired", fired.get("transition").asText());
        assertTrue(fired.get("sent").asBoolean());
        long openedAt = START.plusSeconds(60).toEpochMilli();
        assertEquals(MessageIds.of("conn:pg-1:connections_used_ratio", 1, openedAt, "FIRED", 0), fired.get("message_id").asText());
        assertEquals(4, alert.get("notifications").size(), "fired, critical, warning, resolved");
    }

    @Test
    void promtoolFieldsWithoutACounterpartAreRefusedWithTheReason() {
        CliRun.write(dir, "rules.yaml", "rules:\n  - id: conn\n    metric: m\n    severities: {warning: '> 1'}\n");
        Path file = CliRun.write(dir, "p.test.yaml", """
                rule_files: [rules.yaml]
                tests:
                  - input_series:
                      - series: 'm{instance_id="pg-1"}'
                        values: '1 stale 2'
                    silences:
                      - {start: 0m}
                    promql_expr_test:
                      - expr: m
                        eval_time: 0m
                    alert_rule_test:
                      - eval_time: 1m
                        alertname: conn
                        exp_alerts:
                          - exp_annotations: {dashboard: x}
                """);

        CliRun run = CliRun.of("test", file.toString());

        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.out().contains("p.test.yaml:8:5: error: 'promql_expr_test' (promtool) is not supported: there is no PromQL"),
                run.out());
        assertTrue(run.out().contains("p.test.yaml:7:9: error: silence: matchers: a silence needs at least one matcher"), run.out());
        assertTrue(run.out().contains("annotation 'dashboard' has no counterpart"), run.out());
    }
}
