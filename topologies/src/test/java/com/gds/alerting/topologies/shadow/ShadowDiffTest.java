package com.gds.alerting.topologies.shadow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.Transition;

/** {@link ShadowDiff} on hand-made transitions: the edges of a range, severities, re-notifications. */
class ShadowDiffTest {

    private static final Instant T = Instant.parse("2026-03-02T10:00:00Z");

    private static AlertEvent event(String rule, String instance, Transition transition, AlertState previous, AlertState state,
                                    long incident, Severity severity, long second) {
        return AlertEvent.newBuilder().setMessageId(rule + instance + transition + second).setAlertKey(rule + ":" + instance + ":m")
                .setRuleId(rule).setInstanceId(instance).setMetricName("m").setSeverity(severity).setState(state)
                .setPreviousState(previous).setTransition(transition).setIncident(incident).setStartedAt(T)
                .setUpdatedAt(T.plusSeconds(second)).build();
    }

    private static AlertEvent fired(String rule, String instance, long incident, Severity severity, long second) {
        return event(rule, instance, Transition.FIRED, AlertState.PENDING, AlertState.FIRING, incident, severity, second);
    }

    private static AlertEvent resolved(String rule, String instance, long incident, Severity severity, long second) {
        return event(rule, instance, Transition.RESOLVED, AlertState.FIRING, AlertState.RESOLVED, incident, severity, second);
    }

    @Test
    void sameInstantsAtAnotherSeverityIsADifferentSeverity() {
        ShadowDiff.Report report = ShadowDiff.compare("s", List.of(fired("s", "a", 1, Severity.CRITICAL, 0),
                resolved("s", "a", 1, Severity.CRITICAL, 60)), "l", List.of(fired("l", "a", 1, Severity.WARNING, 0),
                resolved("l", "a", 1, Severity.WARNING, 60)));
        ShadowDiff.Difference d = report.series().get(0).differences().get(0);
        assertEquals(ShadowDiff.Kind.DIFFERENT_SEVERITY, d.kind());
        assertEquals(Duration.ZERO, d.firedDelta());
        assertEquals(0, report.agreeing());
    }

    @Test
    void anEpisodeOpenAtEitherEdgeOfTheRangeComparesByWhatIsKnown() {
        // Both fired before the range (only their RESOLVED read) at the same instant: they agree.
        // Both still fire at the end, the shadow 5 s later: different times, no resolved delta.
        ShadowDiff.Report report = ShadowDiff.compare("s", List.of(resolved("s", "a", 3, Severity.WARNING, 10),
                fired("s", "a", 4, Severity.WARNING, 105)), "l", List.of(resolved("l", "a", 7, Severity.WARNING, 10),
                fired("l", "a", 8, Severity.WARNING, 100)));
        assertEquals(1, report.agreeing());
        ShadowDiff.Difference d = report.series().get(0).differences().get(0);
        assertEquals(ShadowDiff.Kind.DIFFERENT_TIMES, d.kind());
        assertEquals(Duration.ofSeconds(5), d.firedDelta());
        assertNull(d.resolvedDelta());
        assertNull(d.shadow().resolvedAt(), "still firing at the end of the range");
    }

    @Test
    void aFiredAgainAfterASilenceIsTheSameEpisodeAndOtherRulesAreIgnored() {
        AlertEvent again = event("l", "a", Transition.FIRED, AlertState.FIRING, AlertState.FIRING, 1, Severity.WARNING, 30);
        ShadowDiff.Report report = ShadowDiff.compare("s", List.of(fired("s", "a", 1, Severity.WARNING, 0),
                resolved("s", "a", 1, Severity.WARNING, 60), fired("other", "a", 1, Severity.WARNING, 0)), "l",
                List.of(fired("l", "a", 1, Severity.WARNING, 0), again, resolved("l", "a", 1, Severity.WARNING, 60)));
        assertTrue(report.identical(), report.toString());
        assertEquals(1, report.agreeing());
        assertEquals(1, report.seriesCompared());
    }

    @Test
    void aPendingStreakThatNeverFiredIsNoDifference() {
        ShadowDiff.Report report = ShadowDiff.compare("s", List.of(
                event("s", "a", Transition.PENDING, null, AlertState.PENDING, 1, Severity.WARNING, 0),
                event("s", "a", Transition.RESOLVED, AlertState.PENDING, AlertState.RESOLVED, 1, Severity.WARNING, 10)),
                "l", List.of());
        assertTrue(report.identical());
        assertEquals(1, report.seriesCompared());
    }
}
