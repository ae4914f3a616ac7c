package com.gds.alerting.service.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.Transition;

/** Storm control on an injected clock, and what the person on call reads. */
class DispatchStormAndFormatTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-03T03:00:00Z"));
    private final PartitionLease lease = new PartitionLease(new TopicPartition("gds.alerts.events", 0));
    private long offset;

    private Source source() {
        return new Source(new ConsumerRecord<>("gds.alerts.events", 0, offset++, new byte[0], new byte[0]), lease);
    }

    @Test
    void overTheRuleLimitEventsAreHeldAndFoldedIntoOneSummaryWhenTheWindowEnds() {
        StormControl storm = new StormControl(3, 100, Duration.ofMinutes(1), clock);
        int admitted = 0;
        for (int i = 0; i < 10; i++) {
            AlertEvent e = TestEvents.event("lag", "pg-" + i, Transition.FIRED, 0)
                    .setSeverity(i == 7 ? Severity.CRITICAL : Severity.WARNING).build();
            if (storm.admit(e, source()).admitted()) {
                admitted++;
            }
        }
        assertEquals(3, admitted, "the limit per rule");
        assertEquals(7, storm.holding(), "nothing dropped: the rest is held");
        assertTrue(storm.due().isEmpty(), "the window has not ended");

        clock.advance(Duration.ofMinutes(1));
        List<StormControl.Group> due = storm.due();
        assertEquals(1, due.size(), "one summary per rule per window");
        StormControl.Group group = due.get(0);
        assertEquals(StormControl.Scope.RULE, group.scope());
        NotificationPayload summary = StormSummaryFormatter.format(group, 5);
        assertEquals("critical", summary.severity(), "worst severity of the held events");
        assertEquals("lag", summary.alertName());
        assertEquals("multiple", summary.dbInstanceId());
        assertEquals("7", summary.labels().get("gds_storm_held"));
        assertEquals("7", summary.labels().get("gds_storm_instances"));
        assertTrue(summary.subject().startsWith("[CRITICAL] STORM: 7 notifications held back for rule lag on 7 instance(s)"),
                summary.subject());
        assertTrue(summary.bodyText().contains("... and 2 more"), summary.bodyText());
        assertTrue(summary.bodyText().contains("By instance:   pg-3 1, pg-4 1"), summary.bodyText());
        assertEquals(summary.messageId(), StormSummaryFormatter.format(group, 5).messageId(), "deterministic id");
        assertEquals(0, storm.holding());
    }

    @Test
    void theInstanceLimitHoldsEventsOfOneInstanceFromManyRules() {
        StormControl storm = new StormControl(100, 2, Duration.ofMinutes(1), clock);
        List<Boolean> admitted = new java.util.ArrayList<>();
        for (String rule : List.of("lag", "cpu", "disk", "locks")) {
            admitted.add(storm.admit(TestEvents.fired(rule, "pg-1"), source()).admitted());
        }
        assertEquals(List.of(true, true, false, false), admitted);
        assertTrue(storm.admit(TestEvents.fired("lag", "pg-2"), source()).admitted(), "other instances are not affected");
        clock.advance(Duration.ofMinutes(1));
        StormControl.Group group = storm.due().get(0);
        assertEquals(StormControl.Scope.INSTANCE, group.scope());
        assertEquals("pg-1", StormSummaryFormatter.format(group, 10).dbInstanceId());
        assertTrue(storm.admit(TestEvents.fired("locks", "pg-1"), source()).admitted(), "a new window, a new budget");
    }

    @Test
    void notificationsRouteByTenantUnlessTheRuleRoutesThem() {
        AlertEvent acme = TestEvents.event("cpu", "acme-db-1", Transition.FIRED, 0).setTenant("acme").setRoutingKey(null).build();
        NotificationPayload p = NotificationFormatter.format(acme);
        assertEquals("acme", p.routingKey(), "no routing key of the rule: the tenant's");
        assertEquals("acme", p.labels().get("tenant"));
        AlertEvent routed = TestEvents.event("cpu", "acme-db-1", Transition.FIRED, 0).setTenant("acme").setRoutingKey("dba-oncall").build();
        assertEquals("dba-oncall", NotificationFormatter.format(routed).routingKey(), "the rule's routing key wins");
        AlertEvent untagged = TestEvents.event("cpu", "db-1", Transition.FIRED, 0).setTenant("default").setRoutingKey(null).build();
        assertEquals(null, NotificationFormatter.format(untagged).routingKey(), "the default tenant notifies as before");
        assertEquals(null, NotificationFormatter.format(untagged).labels().get("tenant"));
    }

    @Test
    void subjectAndBodyTellTheWholeStoryAtAGlance() {
        NotificationPayload p = NotificationFormatter.format(TestEvents.fired("lag", "pg-prod-01"));
        assertEquals("[CRITICAL] FIRING pg-prod-01: Replication lag 42s on pg-prod-01", p.subject());
        String body = p.bodyText();
        for (String line : List.of("Instance:   pg-prod-01 (postgresql, prod)",
                "Metric:     replication_lag_seconds = 42 (threshold 30)",
                "Since:      2026-11-03 02:46:00 UTC (12m 34s before this message)",
                "Runbook:    https://runbooks.example/replication-lag",
                "Alert:      lag:pg-prod-01:replication_lag_seconds (incident 1)")) {
            assertTrue(body.contains(line), "body has '" + line + "':\n" + body);
        }
        NotificationPayload resolved = NotificationFormatter.format(TestEvents.event("lag", "pg-prod-01", Transition.RESOLVED, 0)
                .setSummary(null).setValue(3.5).build());
        assertEquals("[RESOLVED] resolved pg-prod-01: replication_lag_seconds = 3.5 (threshold 30)", resolved.subject());
        NotificationPayload reminder = NotificationFormatter.format(TestEvents.event("lag", "pg-1", Transition.REMINDER, 2).build());
        assertTrue(reminder.subject().startsWith("[CRITICAL] STILL FIRING (reminder 2) pg-1"), reminder.subject());
        assertFalse(p.bodyText().contains("null"), "no 'null' in what people read");
    }

    @Test
    void anAnomalyOrForecastBodySaysWhatWasExpectedAndWhen() {
        String anomaly = NotificationFormatter.format(TestEvents.event("conn-anomaly", "pg-1", Transition.FIRED, 0)
                .setExpected(120.0).setBandLower(105.0).setBandUpper(135.0).setDeviationSigma(6.2).setValue(6.2)
                .setThreshold(3.0).build()).bodyText();
        assertTrue(anomaly.contains("Expected:   120, normal band 105 to 135, deviation 6.2 sigma"), anomaly);
        String forecast = NotificationFormatter.format(TestEvents.event("disk-full", "pg-1", Transition.FIRED, 0)
                .setExpected(5e9).setPredictedCrossingAt(java.time.Instant.parse("2026-11-03T06:30:00Z")).build()).bodyText();
        assertTrue(forecast.contains("Crossing:   the trend reaches the limit at 2026-11-03 06:30:00 UTC"), forecast);
        assertFalse(forecast.contains("Expected:"), "no band for a forecast: " + forecast);
        String threshold = NotificationFormatter.format(TestEvents.fired("lag", "pg-prod-01")).bodyText();
        assertFalse(threshold.contains("Expected:") || threshold.contains("Crossing:"), threshold);
    }

    @Test
    void durationsReadInTheTwoLargestUnits() {
        assertEquals("0s", NotificationFormatter.duration(Duration.ofSeconds(-5)), "clock skew is not a negative age");
        assertEquals("40s", NotificationFormatter.duration(Duration.ofSeconds(40)));
        assertEquals("1m 00s", NotificationFormatter.duration(Duration.ofSeconds(60)));
        assertEquals("12m 05s", NotificationFormatter.duration(Duration.ofSeconds(725)));
        assertEquals("3h 04m", NotificationFormatter.duration(Duration.ofMinutes(184)));
        assertEquals("2d 03h", NotificationFormatter.duration(Duration.ofHours(51).plusMinutes(59)));
        assertEquals("400d 00h", NotificationFormatter.duration(Duration.ofDays(400)));
    }
}
