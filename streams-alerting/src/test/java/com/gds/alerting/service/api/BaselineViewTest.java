package com.gds.alerting.service.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.gds.alerting.avro.AnomalyAlgorithm;
import com.gds.alerting.avro.AnomalySeasonality;
import com.gds.alerting.avro.AnomalySpec;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.RuleKind;
import com.gds.alerting.avro.Selector;
import com.gds.alerting.avro.serde.AvroClassTrust;
import com.gds.alerting.topologies.anomaly.AnomalyDetector;
import com.gds.alerting.topologies.anomaly.Baseline;
import com.gds.alerting.topologies.anomaly.SeasonalClock;

/** The baseline view of a seasonal series: each hour's band is the detector's own at that hour's centre. */
class BaselineViewTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @BeforeAll
    static void trust() {
        AvroClassTrust.install();
    }

    private static Rule rule(AnomalyAlgorithm algorithm) {
        return Rule.newBuilder().setRuleId("conn").setKind(RuleKind.ANOMALY).setSelector(new Selector("connections", List.of()))
                .setAnomaly(AnomalySpec.newBuilder().setAlgorithm(algorithm).setSeasonality(AnomalySeasonality.DAILY)
                        .setTimeZone(BERLIN.getId()).setBounds(2.5).setMinDeviation(0.5).build())
                .build();
    }

    /** {@code days} of one sample a minute of a daily wave plus a little deterministic noise, from {@code start}. */
    private static byte[] learned(Rule rule, LocalDateTime start, int days) {
        AnomalyDetector detector = new AnomalyDetector(AnomalyDetector.Settings.of(rule.getAnomaly()));
        Baseline baseline = detector.newBaseline();
        long t0 = start.atZone(BERLIN).toInstant().toEpochMilli();
        for (int m = 0; m < days * 1440; m++) {
            long at = t0 + m * 60_000L;
            double value = 100 + 20 * Math.sin(2 * Math.PI * m / 1440.0) + ((m * 7919) % 11 - 5) / 5.0;
            detector.judge(baseline, at, value, false);
        }
        return baseline.encode();
    }

    @Test
    void eachHoursBandIsTheDetectorsJudgementAtItsCentre() {
        for (AnomalyAlgorithm algorithm : AnomalyAlgorithm.values()) {
            Rule rule = rule(algorithm);
            byte[] bytes = learned(rule, LocalDateTime.of(2026, 3, 2, 0, 0), 4);
            BaselineView view = BaselineView.anomaly("conn:pg-1:connections", rule, bytes, false);
            BaselineView.Anomaly a = view.anomaly();
            assertEquals("JUDGING", a.state(), "four days of history, three needed for DAILY");
            assertEquals(algorithm.name(), a.algorithm());
            assertEquals("Europe/Berlin", a.timeZone());
            assertEquals(24, a.buckets().size());
            AnomalyDetector detector = new AnomalyDetector(AnomalyDetector.Settings.of(rule.getAnomaly()));
            for (BaselineView.Bucket b : a.buckets()) {
                assertNotNull(b.expected(), "hour " + b.hour() + " is ready");
                // The next day's hh:30 local: the same position in the season, after the newest sample.
                long at = LocalDateTime.of(2026, 3, 7, b.hour(), 30).atZone(BERLIN).toInstant().toEpochMilli();
                AnomalyDetector.Judgement j = detector.judge(Baseline.decode(bytes), at, 0, false);
                assertEquals(j.expected(), b.bandExpected(), algorithm + " hour " + b.hour());
                assertEquals(j.lower(), b.lower(), algorithm + " hour " + b.hour());
                assertEquals(j.upper(), b.upper(), algorithm + " hour " + b.hour());
                assertTrue(b.upper() - b.lower() >= 2 * 0.5, "min_deviation is a floor of the half-width");
            }
            Baseline.Estimate six = Baseline.decode(bytes).estimate(6);
            assertEquals(six.expected(), a.buckets().get(6).expected(), "a bucket's own estimate, as stored");
            assertTrue(Math.abs(a.buckets().get(6).expected() - 120) < 2, "06:00-07:00 is the wave's top: " + a.buckets().get(6));
        }
    }

    @Test
    void whileLearningTheBucketsHaveEstimatesButNoBand() {
        Rule rule = rule(AnomalyAlgorithm.ADAPTIVE);
        BaselineView.Anomaly a = BaselineView.anomaly("k", rule, learned(rule, LocalDateTime.of(2026, 3, 2, 0, 0), 2), false)
                .anomaly();
        assertEquals("LEARNING", a.state());
        assertEquals(a.firstSampleAt().plus(Duration.ofDays(3)), a.judgingFrom());
        assertEquals(2 * 1440, a.samples());
        assertTrue(a.buckets().stream().allMatch(b -> b.expected() != null && b.lower() == null && b.upper() == null),
                a.buckets().toString());
    }

    @Test
    void aBaselineOfOtherSettingsIsNotReportedAsTheRules() {
        Rule daily = rule(AnomalyAlgorithm.ADAPTIVE);
        byte[] bytes = learned(daily, LocalDateTime.of(2026, 3, 2, 0, 0), 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BaselineView.anomaly("k", rule(AnomalyAlgorithm.ROBUST), bytes, false));
        assertTrue(e.getMessage().contains("learned as ADAPTIVE/DAILY"), e.getMessage());
    }

    @Test
    void theCentreOfAnHourIsInTheNextSeasonWhenPastAndSkipsADstGap() {
        SeasonalClock daily = new SeasonalClock(AnomalySeasonality.DAILY, BERLIN);
        long newest = LocalDateTime.of(2026, 3, 29, 0, 10).atZone(BERLIN).toInstant().toEpochMilli();
        assertEquals(LocalDateTime.of(2026, 3, 29, 1, 30).atZone(BERLIN).toInstant().toEpochMilli(),
                BaselineView.centre(daily, AnomalySeasonality.DAILY, BERLIN, 1, newest));
        assertEquals(LocalDateTime.of(2026, 3, 30, 2, 30).atZone(BERLIN).toInstant().toEpochMilli(),
                BaselineView.centre(daily, AnomalySeasonality.DAILY, BERLIN, 2, newest), "02:30 does not exist on 29 March");
        long morning = LocalDateTime.of(2026, 3, 29, 5, 0).atZone(BERLIN).toInstant().toEpochMilli();
        assertEquals(LocalDateTime.of(2026, 3, 30, 0, 30).atZone(BERLIN).toInstant().toEpochMilli(),
                BaselineView.centre(daily, AnomalySeasonality.DAILY, BERLIN, 0, morning), "00:30 is past: the next day's");
        SeasonalClock weekly = new SeasonalClock(AnomalySeasonality.WEEKLY, BERLIN);
        long wednesday = LocalDateTime.of(2026, 3, 4, 12, 0).atZone(BERLIN).toInstant().toEpochMilli();
        assertEquals(LocalDateTime.of(2026, 3, 9, 0, 30).atZone(BERLIN).toInstant().toEpochMilli(),
                BaselineView.centre(weekly, AnomalySeasonality.WEEKLY, BERLIN, 0, wednesday), "Monday 00:30 of the next week");
        assertEquals(LocalDateTime.of(2026, 3, 6, 13, 30).atZone(BERLIN).toInstant().toEpochMilli(),
                BaselineView.centre(weekly, AnomalySeasonality.WEEKLY, BERLIN, 4 * 24 + 13, wednesday), "Friday 13:30");
    }
}
