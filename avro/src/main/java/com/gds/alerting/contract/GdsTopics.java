package com.gds.alerting.contract;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The product's topic names (docs/contracts.md, "Topics"), each overridable by configuration under
 * {@code gds.topics.*}. One immutable object, passed to whoever needs names, never static fields.
 *
 * @param metricsPrefix   prefix of the metric topics, {@code gds.metrics}
 * @param rules           compacted rules topic
 * @param silences        compacted silences topic
 * @param commands        alert commands topic
 * @param events          alert events topic
 * @param dlqMetrics      dead letters of metrics
 * @param dlqNotifications dead letters of notifications
 * @param dlqRules        dead letters of rules
 * @param rulesAccepted   compacted: the rules of {@code rules} that validated (the alerting topology's
 *                        rule table; an invalid update never reaches it, so the previous version stays)
 * @param commandResults  the verdict on each command: applied, duplicate or rejected with the reason
 * @param dlqCommands     dead letters of commands
 * @param shadowEvents    the transitions of shadow rules (README, "Shadow rules"): like {@code events},
 *                        but no dispatcher reads it, so nothing on it ever notifies
 * @param ruleSettings    compacted: the platform's and the tenants' rule settings (README, "Tenants and
 *                        the three layers"), keyed {@code platform} or {@code tenant:<id>}; dead letters
 *                        go to {@code dlqRules}
 * @param ruleSettingsAccepted compacted: the settings of {@code ruleSettings} that validated and keep
 *                        inside their layer's bounds (the alerting topology's settings table)
 */
public record GdsTopics(String metricsPrefix, String rules, String silences, String commands, String events,
                        String dlqMetrics, String dlqNotifications, String dlqRules,
                        String rulesAccepted, String commandResults, String dlqCommands, String shadowEvents,
                        String ruleSettings, String ruleSettingsAccepted) {

    public static final String CONFIG_PREFIX = "gds.topics.";

    private static final Pattern NAME_PART = Pattern.compile("[a-z0-9][a-z0-9_-]*");

    public GdsTopics {
        Objects.requireNonNull(metricsPrefix, "metricsPrefix");
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(silences, "silences");
        Objects.requireNonNull(commands, "commands");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(dlqMetrics, "dlqMetrics");
        Objects.requireNonNull(dlqNotifications, "dlqNotifications");
        Objects.requireNonNull(dlqRules, "dlqRules");
        Objects.requireNonNull(rulesAccepted, "rulesAccepted");
        Objects.requireNonNull(commandResults, "commandResults");
        Objects.requireNonNull(dlqCommands, "dlqCommands");
        Objects.requireNonNull(shadowEvents, "shadowEvents");
        Objects.requireNonNull(ruleSettings, "ruleSettings");
        Objects.requireNonNull(ruleSettingsAccepted, "ruleSettingsAccepted");
        if (shadowEvents.equals(events)) {
            throw new IllegalArgumentException("the shadow events topic must not be the events topic '" + events
                    + "': shadow transitions would reach the notification dispatcher");
        }
        for (String other : new String[] {rules, silences, commands, events, dlqMetrics, dlqNotifications, dlqRules,
                rulesAccepted, commandResults, dlqCommands, shadowEvents, ruleSettings, ruleSettingsAccepted}) {
            if (other.startsWith(metricsPrefix + ".")) {
                throw new IllegalArgumentException("topic '" + other + "' would match the metrics pattern "
                        + metricsPrefix + ".*; choose a name outside it");
            }
        }
    }

    /**
     * The topics before tenants, with the settings topics named after {@code rules} ({@link
     * #ruleSettingsFor}): callers that name their own topics keep settings topics of their own.
     */
    public GdsTopics(String metricsPrefix, String rules, String silences, String commands, String events,
                     String dlqMetrics, String dlqNotifications, String dlqRules,
                     String rulesAccepted, String commandResults, String dlqCommands, String shadowEvents) {
        this(metricsPrefix, rules, silences, commands, events, dlqMetrics, dlqNotifications, dlqRules, rulesAccepted,
                commandResults, dlqCommands, shadowEvents, ruleSettingsFor(rules), ruleSettingsFor(rules) + ".accepted");
    }

    /** {@code gds.rules} → {@code gds.rule-settings}; any other {@code x.rules} → {@code x.rule-settings}; else {@code <rules>.settings}. */
    public static String ruleSettingsFor(String rules) {
        return rules.endsWith(".rules") ? rules.substring(0, rules.length() - ".rules".length()) + ".rule-settings"
                : rules + ".settings";
    }

    /**
     * The topics before shadow rules, with the shadow topic named after {@code events} ({@link
     * #shadowEventsFor}): callers that name their own topics keep a shadow topic of their own.
     */
    public GdsTopics(String metricsPrefix, String rules, String silences, String commands, String events,
                     String dlqMetrics, String dlqNotifications, String dlqRules,
                     String rulesAccepted, String commandResults, String dlqCommands) {
        this(metricsPrefix, rules, silences, commands, events, dlqMetrics, dlqNotifications, dlqRules, rulesAccepted,
                commandResults, dlqCommands, shadowEventsFor(events));
    }

    /** {@code gds.alerts.events} → {@code gds.alerts.shadow}; any other {@code x.events} → {@code x.shadow}; else {@code <events>.shadow}. */
    public static String shadowEventsFor(String events) {
        return events.endsWith(".events") ? events.substring(0, events.length() - ".events".length()) + ".shadow"
                : events + ".shadow";
    }

    /** The defaults of docs/contracts.md. */
    public static GdsTopics defaults() {
        return new GdsTopics("gds.metrics", "gds.rules", "gds.silences", "gds.alerts.commands",
                "gds.alerts.events", "gds.dlq.metrics", "gds.dlq.notifications", "gds.dlq.rules",
                "gds.rules.accepted", "gds.alerts.command-results", "gds.dlq.commands", "gds.alerts.shadow",
                "gds.rule-settings", "gds.rule-settings.accepted");
    }

    /**
     * The defaults with overrides from {@code config}: {@code gds.topics.metrics-prefix}, {@code
     * gds.topics.rules}, {@code .silences}, {@code .commands}, {@code .events}, {@code
     * .dlq-metrics}, {@code .dlq-notifications}, {@code .dlq-rules}, {@code .rules-accepted},
     * {@code .command-results}, {@code .dlq-commands}, {@code .shadow-events} (default: named after
     * {@code events}, see {@link #shadowEventsFor}).
     */
    public static GdsTopics fromConfig(Map<String, ?> config) {
        GdsTopics d = defaults();
        String events = get(config, "events", d.events);
        String rules = get(config, "rules", d.rules);
        String settings = get(config, "rule-settings", ruleSettingsFor(rules));
        return new GdsTopics(
                get(config, "metrics-prefix", d.metricsPrefix),
                rules,
                get(config, "silences", d.silences),
                get(config, "commands", d.commands),
                events,
                get(config, "dlq-metrics", d.dlqMetrics),
                get(config, "dlq-notifications", d.dlqNotifications),
                get(config, "dlq-rules", d.dlqRules),
                get(config, "rules-accepted", d.rulesAccepted),
                get(config, "command-results", d.commandResults),
                get(config, "dlq-commands", d.dlqCommands),
                get(config, "shadow-events", shadowEventsFor(events)),
                settings,
                get(config, "rule-settings-accepted", settings + ".accepted"));
    }

    /** {@code gds.metrics.<databaseType>.<environment>}; both parts lower-case [a-z0-9_-]. */
    public String metricsTopic(String databaseType, String environment) {
        return metricsPrefix + "." + part("database type", databaseType) + "." + part("environment", environment);
    }

    /** The pattern every metrics topic matches, and no other product topic does. */
    public Pattern metricsPattern() {
        return Pattern.compile(Pattern.quote(metricsPrefix + ".") + ".+");
    }

    private static String part(String what, String value) {
        if (value == null || !NAME_PART.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " '" + value
                    + "' cannot be part of a topic name: use lower-case letters, digits, '_' or '-'");
        }
        return value;
    }

    private static String get(Map<String, ?> config, String key, String fallback) {
        Object value = config.get(CONFIG_PREFIX + key);
        return value == null || value.toString().isBlank() ? fallback : value.toString().trim();
    }
}
