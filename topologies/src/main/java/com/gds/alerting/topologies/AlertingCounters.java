package com.gds.alerting.topologies;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the alerting topology has done, counted across its stream threads, for the hosting
 * service to publish as metrics (the topology itself knows no metrics library). Dead-lettered and
 * skipped records are counted here as well as logged, so nothing vanishes unseen.
 */
public final class AlertingCounters {

    /** The counters, by metric-friendly name. */
    public enum Counter {
        METRICS_EVALUATED("metrics.evaluated"),
        METRICS_DEAD_LETTERED("metrics.dead_lettered"),
        SAMPLES_LATE("samples.late"),
        EVALUATIONS("evaluations"),
        RULES_ACCEPTED("rules.accepted"),
        RULES_DELETED("rules.deleted"),
        RULES_DEAD_LETTERED("rules.dead_lettered"),
        COMMANDS_APPLIED("commands.applied"),
        COMMANDS_REJECTED("commands.rejected"),
        COMMANDS_DEAD_LETTERED("commands.dead_lettered"),
        EVENTS("events"),
        WINDOWS_EVALUATED("windows.evaluated"),
        INSTANCES_FORGOTTEN("absence.instances_forgotten"),
        /**
         * RATIO-SLO collection instants closed by a later one with a counter missing: neither counted nor
         * decided (a collector that does not publish both counters of the SLI each cycle).
         */
        SLO_INSTANTS_INCOMPLETE("slo.instants_incomplete"),
        /**
         * Evaluations of a series whose alert key another series (same rule, instance and metric, other tags)
         * last decided: one alert per rule, instance and metric, so such series overwrite each other's verdicts
         * and a same-instant sample of the second is ignored. Pin the tag with a matcher, or watch a per-instance
         * figure (the worst value).
         */
        SERIES_SHARING_ALERT_KEY("samples.series_sharing_alert_key"),
        /** Notifying transitions a silence kept quiet. */
        NOTIFICATIONS_SILENCED("notifications.silenced"),
        /** Notifying transitions an inhibition kept quiet. */
        NOTIFICATIONS_INHIBITED("notifications.inhibited"),
        /** Alerts that notified when the silence or inhibition that kept them quiet ended. */
        NOTIFICATIONS_RELEASED("notifications.released"),
        /** Resolved alert states deleted once the resolved retention passed (their history with them). */
        RESOLVED_ALERTS_EXPIRED("alerts.resolved_expired"),
        /** Platform or tenant settings taken into the settings table. */
        SETTINGS_ACCEPTED("settings.accepted"),
        /** Platform or tenant settings deleted (a tenant offboarded). */
        SETTINGS_DELETED("settings.deleted"),
        /** Settings refused by the settings intake: invalid, or outside their layer's bounds. */
        SETTINGS_DEAD_LETTERED("settings.dead_lettered"),
        /** Samples anomaly and forecast rules skipped because their value is NaN or infinite (nothing to learn). */
        SAMPLES_NOT_FINITE("samples.not_finite"),
        /**
         * Anomaly baselines and forecast windows started over: the rule changed its algorithm or seasonality, or
         * the stored bytes were unreadable (logged at WARN).
         */
        BASELINES_RESET("baselines.reset"),
        /** EXPR rules evaluated at a collection instant of an instance (each rule and instance once per instant). */
        EXPR_EVALUATIONS("expr.evaluations"),
        /**
         * EXPR rule evaluations that failed where Prometheus' engine fails too (many-to-many matching, two result
         * series with the same labels): no verdict at that instant, the alerts keep their state; logged at WARN.
         */
        EXPR_EVALUATION_FAILURES("expr.evaluation_failures");

        private final String metricName;

        Counter(String metricName) {
            this.metricName = metricName;
        }

        public String metricName() {
            return metricName;
        }
    }

    private final Map<Counter, LongAdder> adders = new LinkedHashMap<>();

    public AlertingCounters() {
        for (Counter c : Counter.values()) {
            adders.put(c, new LongAdder());
        }
    }

    public void increment(Counter counter) {
        adders.get(counter).increment();
    }

    public long get(Counter counter) {
        return adders.get(counter).sum();
    }

    /** Every counter's current value. */
    public Map<Counter, Long> snapshot() {
        Map<Counter, Long> values = new LinkedHashMap<>();
        adders.forEach((c, a) -> values.put(c, a.sum()));
        return values;
    }
}
