package com.gds.alerting.topologies;

import static com.gds.alerting.topologies.AlertingFixture.T0;
import static com.gds.alerting.topologies.TestRules.above;
import static com.gds.alerting.topologies.TestRules.eq;
import static com.gds.alerting.topologies.TestRules.override;
import static com.gds.alerting.topologies.TestRules.re;
import static com.gds.alerting.topologies.TestRules.schedule;
import static com.gds.alerting.topologies.TestRules.threshold;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.OverrideMode;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.avro.Weekday;

/** Per-instance overrides in their three modes, and schedules in a time zone across DST. */
class OverridesAndSchedulesTest {

    private AlertingFixture fx;

    @BeforeEach
    void start() {
        fx = new AlertingFixture(Instant.parse("2026-04-01T00:00:00Z"));
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    private List<Transition> transitions() {
        return fx.events().stream().map(AlertEvent::getTransition).toList();
    }

    static Stream<Arguments> overrideCases() {
        return Stream.of(
                Arguments.of("no override: the rule's 80 applies", "pg-prod-02", 85.0, List.of(Transition.FIRED)),
                Arguments.of("CUSTOM: pg-prod-01 may run at 85, alerts only above 95", "pg-prod-01", 85.0, List.of()),
                Arguments.of("CUSTOM: and still alerts above its own threshold", "pg-prod-01", 96.0, List.of(Transition.FIRED)),
                Arguments.of("DEFAULT: pg-prod-03 matches the broader DISABLED override too, but the first match wins",
                        "pg-prod-03", 85.0, List.of(Transition.FIRED)),
                Arguments.of("DISABLED: the rest of pg-prod-0x never alert", "pg-prod-04", 99.0, List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overrideCases")
    void firstMatchingOverrideDecidesTheThresholds(String why, String instance, double value, List<Transition> expected) {
        fx.rule(threshold("cpu", "cpu_percent", List.of(above(Severity.WARNING, 80)))
                .setOverrides(List.of(
                        override(OverrideMode.CUSTOM, List.of(above(Severity.WARNING, 95)), eq("instance_id", "pg-prod-01")),
                        override(OverrideMode.DEFAULT, List.of(), eq("instance_id", "pg-prod-03")),
                        override(OverrideMode.DISABLED, List.of(), re("instance_id", "pg-prod-0[3-9]"))))
                .build());
        fx.sample(instance, "cpu_percent", value, T0);
        assertEquals(expected, transitions(), why);
    }

    @Test
    void anOverrideThatDisablesAFiringSeriesResolvesIt() {
        fx.rule(threshold("cpu", "cpu_percent", List.of(above(Severity.WARNING, 80))).build());
        fx.sample("pg-prod-01", "cpu_percent", 90, T0);
        assertEquals(List.of(Transition.FIRED), transitions());
        fx.rule(threshold("cpu", "cpu_percent", List.of(above(Severity.WARNING, 80)))
                .setOverrides(List.of(override(OverrideMode.DISABLED, List.of(), eq("instance_id", "pg-prod-01"))))
                .build());
        fx.sample("pg-prod-01", "cpu_percent", 90, T0.plusSeconds(10));
        List<AlertEvent> events = fx.events();
        assertEquals(Transition.RESOLVED, events.get(0).getTransition());
        assertEquals("DISABLED_BY_OVERRIDE", events.get(0).getReason());
    }

    /**
     * Relaxed threshold (95 instead of 80) from 22:00 to 06:00 Europe/Paris. On 2026-03-29 the
     * clocks jump from 02:00 CET to 03:00 CEST, so 06:00 local is 04:00 UTC that morning and
     * 05:00 UTC the morning before.
     */
    static Stream<Arguments> scheduleCases() {
        return Stream.of(
                Arguments.of("winter morning 05:59 CET = 04:59Z: relaxed", "2026-03-28T04:59:00Z", List.of()),
                Arguments.of("winter morning 06:00 CET = 05:00Z: daytime threshold", "2026-03-28T05:00:00Z", List.of(Transition.FIRED)),
                Arguments.of("DST day 05:59 CEST = 03:59Z: relaxed", "2026-03-29T03:59:00Z", List.of()),
                Arguments.of("DST day 06:00 CEST = 04:00Z: daytime threshold", "2026-03-29T04:00:00Z", List.of(Transition.FIRED)),
                Arguments.of("DST day 03:30 CEST, inside the window across the jump", "2026-03-29T01:30:00Z", List.of()),
                Arguments.of("21:59 CEST = 19:59Z: daytime threshold", "2026-03-30T19:59:00Z", List.of(Transition.FIRED)),
                Arguments.of("22:00 CEST = 20:00Z: relaxed from the start", "2026-03-30T20:00:00Z", List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scheduleCases")
    void scheduleSwitchesThresholdsByLocalTimeAcrossDst(String why, String at, List<Transition> expected) {
        fx.rule(threshold("conn", "connections_used_ratio", List.of(above(Severity.WARNING, 80)))
                .setSchedules(List.of(schedule("Europe/Paris", List.of(), "22:00", "06:00", List.of(above(Severity.WARNING, 95)))))
                .build());
        fx.sample("pg-prod-01", "connections_used_ratio", 90, Instant.parse(at));
        assertEquals(expected, transitions(), why);
    }

    static Stream<Arguments> weekdayCases() {
        return Stream.of(
                Arguments.of("Saturday 23:00 local: inside the weekend night window", "2026-03-07T22:00:00Z", List.of()),
                Arguments.of("Sunday 01:00 local: the window that started Saturday still runs", "2026-03-08T00:00:00Z", List.of()),
                Arguments.of("Monday 01:00 local: the Sunday night is not listed", "2026-03-09T00:00:00Z", List.of(Transition.FIRED)),
                Arguments.of("Friday 23:00 local: Friday is not listed", "2026-03-06T22:00:00Z", List.of(Transition.FIRED)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("weekdayCases")
    void scheduleOnWeekdaysCountsTheDayTheWindowStarted(String why, String at, List<Transition> expected) {
        fx.rule(threshold("conn", "connections_used_ratio", List.of(above(Severity.WARNING, 80)))
                .setSchedules(List.of(schedule("Europe/Paris", List.of(Weekday.SATURDAY), "22:00", "06:00",
                        List.of(above(Severity.WARNING, 95)))))
                .build());
        fx.sample("pg-prod-01", "connections_used_ratio", 90, Instant.parse(at));
        assertEquals(expected, transitions(), why);
    }
}
