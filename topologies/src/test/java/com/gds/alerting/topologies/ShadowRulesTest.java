package com.gds.alerting.topologies;

import static com.gds.alerting.topologies.AlertingFixture.T0;
import static com.gds.alerting.topologies.TestRules.above;
import static com.gds.alerting.topologies.TestRules.threshold;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.Comparison;
import com.gds.alerting.avro.Condition;
import com.gds.alerting.avro.Inhibition;
import com.gds.alerting.avro.Matcher;
import com.gds.alerting.avro.MatchOp;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.Silence;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.topologies.notify.NotifyPolicy;
import com.gds.alerting.topologies.notify.NotifyReason;
import com.gds.alerting.topologies.shadow.ShadowDiff;

/**
 * Shadow rules on the production topology: a shadow twin of a live rule reaches the same verdicts
 * on the same samples, writes them to the shadow topic only, and never notifies, inhibits or gets
 * silenced; a changed threshold differs exactly where it should, and {@link ShadowDiff} says where.
 */
class ShadowRulesTest {

    private static final String LAG = "replication_lag_seconds";
    private final AlertingFixture fx = new AlertingFixture();

    @AfterEach
    void close() {
        fx.close();
    }

    private static Rule.Builder lagRule(String id, double threshold) {
        return threshold(id, LAG, List.of(above(Severity.CRITICAL, threshold))).setForMs(20_000);
    }

    private static Rule shadowOf(Rule.Builder candidate, String liveId) {
        return candidate.setRuleId(liveId + ".shadow").setShadow(true).setShadowOf(liveId).build();
    }

    /** Samples on two instances: a breach on each, a recovery, a second breach. */
    private void series() {
        double[] values = {10, 55, 55, 55, 10, 10, 72, 72, 72, 72, 30};
        for (int i = 0; i < values.length; i++) {
            fx.sample("pg-prod-01", LAG, values[i], T0.plusSeconds(10L * i));
            fx.sample("pg-prod-02", LAG, values[i] + 20, T0.plusSeconds(10L * i));
        }
    }

    /** What must be identical between a live event and its shadow twin: the verdict, not the identity. */
    private static List<String> verdicts(List<AlertEvent> events) {
        List<String> out = new ArrayList<>();
        for (AlertEvent e : events) {
            out.add(e.getInstanceId() + " " + e.getTransition() + " " + e.getPreviousState() + "->" + e.getState() + " "
                    + e.getSeverity() + " incident " + e.getIncident() + " value " + e.getValue() + " threshold "
                    + e.getThreshold() + " at " + e.getUpdatedAt() + " started " + e.getStartedAt() + " " + e.getReason());
        }
        return out;
    }

    @Test
    void aShadowTwinReachesTheSameVerdictsOnTheShadowTopicOnly() {
        fx.rule(lagRule("lag", 50).build());
        fx.rule(shadowOf(lagRule("ignored", 50), "lag"));
        series();

        List<AlertEvent> live = fx.events();
        List<AlertEvent> shadow = fx.shadowEvents();
        assertFalse(live.isEmpty());
        assertTrue(live.stream().allMatch(e -> e.getRuleId().equals("lag") && !e.getShadow()),
                "only the live rule on the events topic");
        assertTrue(shadow.stream().allMatch(e -> e.getRuleId().equals("lag.shadow") && e.getShadow()
                && "lag".equals(e.getShadowOf())), "only the shadow rule on the shadow topic");
        assertEquals(verdicts(live), verdicts(shadow));
        assertTrue(live.stream().anyMatch(e -> NotifyPolicy.decide(e).notifies()), "the live rule notifies");
        for (AlertEvent e : shadow) {
            assertEquals(NotifyReason.SHADOW, NotifyPolicy.decide(e), "a shadow transition never notifies: " + e);
            assertEquals(NotifyPolicy.SHADOW, e.getSuppressedBy());
        }

        ShadowDiff.Report report = ShadowDiff.compare("lag.shadow", shadow, "lag", live);
        assertTrue(report.identical(), () -> "twins agree: " + report);
        assertEquals(2, report.seriesCompared());
        assertEquals(4, report.agreeing(), "each instance fired twice, at 30 s and at 80 s");
    }

    @Test
    void aChangedThresholdDiffersExactlyWhereExpectedAndTheDiffSaysWhere() {
        fx.rule(lagRule("lag", 50).build());
        fx.rule(shadowOf(lagRule("lag", 60), "lag"));
        series();
        List<AlertEvent> live = fx.events();
        List<AlertEvent> shadow = fx.shadowEvents();

        ShadowDiff.Report report = ShadowDiff.compare("lag.shadow", shadow, "lag", live);
        // pg-prod-01: 55 breaches 50 only (the live rule fires at 30 s, resolves at 40 s); 72 breaches both (80 s to 100 s).
        // pg-prod-02: 75 and 92 breach both, 30 and 50 neither: the twins agree there.
        ShadowDiff.SeriesDiff one = report.series().stream().filter(s -> s.instanceId().equals("pg-prod-01")).findFirst()
                .orElseThrow();
        assertEquals(1, one.differences().size(), () -> one.toString());
        ShadowDiff.Difference onlyLive = one.differences().get(0);
        assertEquals(ShadowDiff.Kind.ONLY_LIVE, onlyLive.kind());
        assertEquals(T0.plusSeconds(30), onlyLive.live().firedAt());
        assertEquals(T0.plusSeconds(40), onlyLive.live().resolvedAt());
        assertEquals(1, report.counts().get(ShadowDiff.Kind.ONLY_LIVE));
        assertEquals(0, report.counts().get(ShadowDiff.Kind.ONLY_SHADOW));
        assertEquals(0, report.counts().get(ShadowDiff.Kind.DIFFERENT_TIMES));
    }

    @Test
    void aLowerShadowThresholdFiresOnlyInShadowAndEarlier() {
        fx.rule(lagRule("lag", 60).build());
        fx.rule(shadowOf(lagRule("lag", 50), "lag"));
        // 55 x4: only the shadow (> 50) fires, at 20 s (for 20 s); then 10; then 65 x4 from 60 s: both fire at 80 s;
        // then 55 from 100 s: the live rule (> 60) resolves at 100 s, the shadow only at 110 s (value 10).
        double[] values = {55, 55, 55, 55, 10, 10, 65, 65, 65, 65, 55, 10};
        for (int i = 0; i < values.length; i++) {
            fx.sample("pg-prod-01", LAG, values[i], T0.plusSeconds(10L * i));
        }
        ShadowDiff.Report report = ShadowDiff.compare("lag.shadow", fx.shadowEvents(), "lag", fx.events());
        List<ShadowDiff.Difference> differences = report.series().get(0).differences();
        assertEquals(2, differences.size(), () -> report.toString());
        ShadowDiff.Difference onlyShadow = differences.get(0);
        assertEquals(ShadowDiff.Kind.ONLY_SHADOW, onlyShadow.kind());
        assertEquals(T0.plusSeconds(20), onlyShadow.shadow().firedAt());
        assertEquals(T0.plusSeconds(40), onlyShadow.shadow().resolvedAt());
        ShadowDiff.Difference later = differences.get(1);
        assertEquals(ShadowDiff.Kind.DIFFERENT_TIMES, later.kind());
        assertEquals(T0.plusSeconds(80), later.live().firedAt());
        assertEquals(T0.plusSeconds(80), later.shadow().firedAt());
        assertEquals(Duration.ZERO, later.firedDelta());
        assertEquals(T0.plusSeconds(100), later.live().resolvedAt());
        assertEquals(T0.plusSeconds(110), later.shadow().resolvedAt());
        assertEquals(Duration.ofSeconds(10), later.resolvedDelta(), "the shadow resolves 10 s later");
    }

    @Test
    void aFiringShadowRuleNeverInhibitsALiveAlert() {
        Rule.Builder up = threshold("up", "up", List.of(new Condition(Severity.CRITICAL, Comparison.LT, 1.0, null)))
                .setInhibits(List.of(new Inhibition(List.of(), List.of())));
        fx.rule(shadowOf(up, "up"));
        fx.rule(lagRule("lag", 50).setForMs(0).build());
        fx.sample("pg-prod-01", "up", 0, T0);
        assertEquals(Transition.FIRED, fx.shadowEvents().get(0).getTransition(), "the shadow source fires");
        fx.sample("pg-prod-01", LAG, 90, T0.plusSeconds(10));
        AlertEvent fired = fx.events().get(0);
        assertEquals(Transition.FIRED, fired.getTransition());
        assertNull(fired.getSuppressedBy(), "the live alert notifies: a shadow rule inhibits nothing");
        assertTrue(NotifyPolicy.decide(fired).notifies());
    }

    @Test
    void aSilenceNeitherHidesNorLaterReleasesAShadowVerdict() {
        fx.silence(Silence.newBuilder().setSilenceId("all").setMatchers(List.of(new Matcher("metric_name", MatchOp.EQ, LAG)))
                .setStartsAt(T0.minusSeconds(60)).setEndsAt(T0.plusSeconds(120)).setCreatedBy("alice").setComment("drill")
                .setCreatedAt(T0.minusSeconds(60)).build());
        fx.rule(lagRule("lag", 50).setForMs(0).build());
        fx.rule(shadowOf(lagRule("lag", 50).setForMs(0), "lag"));
        fx.sample("pg-prod-01", LAG, 90, T0);
        assertEquals("silence:all", fx.events().get(0).getSuppressedBy());
        AlertEvent shadowFired = fx.shadowEvents().get(0);
        assertEquals(Transition.FIRED, shadowFired.getTransition(), "the shadow verdict is recorded all the same");
        assertEquals(NotifyPolicy.SHADOW, shadowFired.getSuppressedBy());

        fx.advanceWallClock(Duration.ofMinutes(3));
        assertEquals(Transition.FIRED, fx.events().get(0).getTransition(), "the live alert notifies when the silence ends");
        assertTrue(fx.shadowEvents().isEmpty(), "the shadow has nothing owed to release");
    }

    @Test
    void aRuleThatChangesRoleEndsItsIncidentUnderTheOldRoleAndOpensTheNextUnderTheNew() {
        Instant t = T0;
        fx.rule(lagRule("lag", 50).setForMs(0).setShadow(true).build());
        fx.sample("pg-prod-01", LAG, 90, t);
        assertEquals(Transition.FIRED, fx.shadowEvents().get(0).getTransition());
        assertTrue(fx.events().isEmpty());

        fx.rule(lagRule("lag", 50).setForMs(0).build()); // promoted in place
        fx.advanceWallClock(Duration.ofSeconds(2));
        AlertEvent ended = fx.shadowEvents().get(0);
        assertEquals(Transition.RESOLVED, ended.getTransition());
        assertEquals("ROLE_CHANGED", ended.getReason());
        assertTrue(fx.events().isEmpty(), "no RESOLVED of an incident the receivers never heard of");

        fx.sample("pg-prod-01", LAG, 90, t.plusSeconds(10));
        AlertEvent live = fx.events().get(0);
        assertEquals(Transition.FIRED, live.getTransition());
        assertFalse(live.getShadow());
        assertEquals(2, live.getIncident());
        assertTrue(NotifyPolicy.decide(live).notifies());
    }
}
