package com.gds.alerting.service.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.topologies.notify.NotifyPolicy;
import com.gds.alerting.topologies.notify.NotifyReason;

class DispatchPolicyTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(Transition.FIRED, null, NotifyReason.FIRED, "a firing notifies"),
                Arguments.of(Transition.SEVERITY_CHANGED, null, NotifyReason.SEVERITY_CHANGED, "a severity change notifies"),
                Arguments.of(Transition.RESOLVED, null, NotifyReason.RESOLVED, "a resolution notifies (send_resolved)"),
                Arguments.of(Transition.REMINDER, null, NotifyReason.REMINDER, "a reminder notifies"),
                Arguments.of(Transition.ESCALATED, null, NotifyReason.ESCALATED, "an escalation notifies"),
                Arguments.of(Transition.RESOLVED, "rule:send_resolved=false", NotifyReason.SUPPRESSED, "send_resolved off"),
                Arguments.of(Transition.RESOLVED, "never-fired", NotifyReason.SUPPRESSED, "end of a pending streak"),
                Arguments.of(Transition.FIRED, "silence:s-1", NotifyReason.SUPPRESSED, "silenced"),
                Arguments.of(Transition.REMINDER, "inhibited-by:up:pg-1:up", NotifyReason.SUPPRESSED, "inhibited"),
                Arguments.of(Transition.PENDING, null, NotifyReason.TRANSITION_NOT_NOTIFIED, "pending is history only"),
                Arguments.of(Transition.ACKNOWLEDGED, null, NotifyReason.TRANSITION_NOT_NOTIFIED, "an ack is history only"),
                Arguments.of(Transition.UNACKNOWLEDGED, null, NotifyReason.TRANSITION_NOT_NOTIFIED, "so is an unack"),
                Arguments.of(Transition.FIRED, "shadow", NotifyReason.SHADOW, "a shadow rule's firing"));
    }

    @ParameterizedTest(name = "{3}")
    @MethodSource("cases")
    void decidesByTransitionAndSuppression(Transition transition, String suppressedBy, NotifyReason expected, String why) {
        NotifyReason reason = NotifyPolicy.decide(TestEvents.event("lag", "pg-1", transition, 0).setSuppressedBy(suppressedBy)
                .setShadow(expected == NotifyReason.SHADOW).build());
        assertEquals(expected, reason, why);
        assertEquals(expected.name().startsWith("SUPPRESSED") || expected == NotifyReason.TRANSITION_NOT_NOTIFIED
                || expected == NotifyReason.SHADOW, !reason.notifies());
    }

    @org.junit.jupiter.api.Test
    void aShadowEventNeverNotifiesEvenWithItsSuppressionCleared() {
        AlertEvent misrouted = TestEvents.event("lag.shadow", "pg-1", Transition.FIRED, 0).setShadow(true).setSuppressedBy(null).build();
        assertEquals(NotifyReason.SHADOW, NotifyPolicy.decide(misrouted));
        assertEquals(false, NotifyPolicy.decide(misrouted).notifies());
    }
}
