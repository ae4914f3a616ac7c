package com.gds.alerting.topologies.alert;

import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.internal.DecisionExplanation;
import com.gds.alerting.topologies.rules.Level;

/**
 * What one evaluation of a rule says about a series, whatever the rule's kind: breached at a
 * level, healthy, or not evaluated (an override disabled the rule for the series). The lifecycle
 * ({@link AlertLifecycle}) turns verdicts into transitions the same way for every kind.
 *
 * @param level    the level reached, {@code null} when healthy
 * @param value    what was compared (sample, window aggregate, burn rate, seconds of silence)
 * @param disabled the rule is switched off for the series
 * @param explanation why an anomaly or forecast rule decided so (expected value, band, deviation,
 *                    predicted crossing), {@code null} for the other kinds
 */
public record Verdict(Level level, double value, boolean disabled, DecisionExplanation explanation) {

    /** Not evaluated: an override switched the rule off for this series. */
    public static final Verdict DISABLED = new Verdict(null, Double.NaN, true, null);

    public static Verdict healthy(double value) {
        return new Verdict(null, value, false, null);
    }

    public static Verdict breached(Level level, double value) {
        return new Verdict(level, value, false, null);
    }

    /** This verdict with the explanation of how it was reached. */
    public Verdict explained(DecisionExplanation why) {
        return new Verdict(level, value, disabled, why);
    }

    /** Computes the verdict once the lifecycle knows the open alert's severity (hysteresis depends on it). */
    @FunctionalInterface
    public interface Judge {
        /**
         * @param firingSeverity the severity of the firing (or acknowledged) alert, {@code null} when none fires
         */
        Verdict judge(Severity firingSeverity);
    }
}
