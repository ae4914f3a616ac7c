package com.gds.alerting.topologies.alert;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.gds.alerting.avro.AlertCommand;
import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.CommandOutcome;
import com.gds.alerting.avro.CommandRejection;
import com.gds.alerting.avro.CommandResult;
import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.avro.internal.AlertStatus;
import com.gds.alerting.contract.AlertKeys;
import com.gds.alerting.topologies.AlertingCounters;
import com.gds.alerting.topologies.AlertingCounters.Counter;
import com.gds.alerting.topologies.rules.CompiledRule;
import com.gds.alerting.topologies.rules.Level;
import com.gds.alerting.topologies.rules.Levels;
import com.gds.alerting.topologies.rules.RuleBook;
import com.gds.alerting.topologies.rules.Series;

/**
 * The alert lifecycle of SEMANTICS.md for the instances of one task: evaluates each metric
 * against the rules that select it, applies operator commands, and drives reminders, escalation
 * and the resolution of alerts whose rule went away from wall-clock punctuation. Every transition
 * is forwarded as an {@code AlertEvent} keyed by alert key; every command gets a
 * {@code CommandResult}.
 *
 * <p>Stores: the alert state by alert key; the open alerts by alert key (prefix-scanned by rule
 * id when a rule changes); the timers by due time. Late samples (not newer than the newest sample
 * already evaluated for the alert key) are ignored and counted.
 */
public final class AlertProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(AlertProcessor.class);
    private static final byte[] PRESENT = new byte[0];
    private static final int COMMAND_IDS_KEPT = 32;
    private static final StringSerializer STRINGS = new StringSerializer();

    private final AlertProcessorSettings settings;
    private final RuleBook ruleBook;
    private final AlertingCounters counters;
    private final AlertEvents events;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, AlertStatus> states;
    private KeyValueStore<String, byte[]> open;
    private KeyValueStore<Bytes, byte[]> timers;
    private long seenRuleVersion = -1;

    public AlertProcessor(AlertProcessorSettings settings, RuleBook ruleBook, AlertingCounters counters) {
        this.settings = settings;
        this.ruleBook = ruleBook;
        this.counters = counters;
        this.events = new AlertEvents(ruleBook);
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.states = context.getStateStore(settings.stateStore());
        this.open = context.getStateStore(settings.openStore());
        this.timers = context.getStateStore(settings.timerStore());
        context.schedule(settings.punctuationInterval(), PunctuationType.WALL_CLOCK_TIME, this::tick);
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        if (record.value() instanceof Metric metric) {
            onMetric(metric);
        } else if (record.value() instanceof AlertCommand command) {
            onCommand(command, record.timestamp());
        } else {
            throw new IllegalArgumentException("unexpected input " + (record.value() == null ? "null" : record.value().getClass()));
        }
    }

    // ---- metrics -------------------------------------------------------------------------------

    private void onMetric(Metric metric) {
        String name = metric.getMetricName();
        String instance = metric.getInstanceId();
        List<CompiledRule> fleetWide = ruleBook.fleetWide(name);
        List<CompiledRule> pinned = ruleBook.pinned(name, instance);
        if (fleetWide.isEmpty() && pinned.isEmpty()) {
            return;
        }
        Series series = new Series(name, instance, metric.getDatabaseType(), metric.getTags().get("environment"),
                metric.getTags());
        long ts = metric.getTimestamp().toEpochMilli();
        for (CompiledRule rule : fleetWide) {
            evaluate(rule, series, metric.getValue(), ts);
        }
        for (CompiledRule rule : pinned) {
            evaluate(rule, series, metric.getValue(), ts);
        }
    }

    private void evaluate(CompiledRule rule, Series series, double value, long ts) {
        if (!rule.selects(series)) {
            return;
        }
        counters.increment(Counter.EVALUATIONS);
        String key = AlertKeys.of(rule.ruleId(), series.instanceId(), series.metricName());
        AlertStatus s = states.get(key);
        if (s != null && ts <= s.getLastSampleAt()) {
            counters.increment(Counter.SAMPLES_LATE);
            LOG.debug("late sample of {} at {} ignored: {} already evaluated", key, ts, s.getLastSampleAt());
            return;
        }
        AlertState state = s == null ? AlertState.RESOLVED : s.getState();
        boolean firing = state == AlertState.FIRING || state == AlertState.ACKNOWLEDGED;
        Levels levels = rule.levelsAt(series, ts);
        if (levels.disabled()) {
            if (firing || state == AlertState.PENDING) {
                observe(s, series, value, null, ts);
                resolve(s, ts, Reason.DISABLED_BY_OVERRIDE, null, "disabled for this series by an override of rule '"
                        + rule.ruleId() + "'", null);
            }
            return;
        }
        Level level = levels.verdict(value, firing ? s.getSeverity() : null);
        switch (state) {
            case RESOLVED -> {
                if (level != null) {
                    s = newIncident(s, key, series, rule, value, level, ts);
                    if (rule.forMs() == 0) {
                        fire(s, rule, ts, null);
                    } else {
                        s.setState(AlertState.PENDING);
                        emit(s, Transition.PENDING, null, Reason.CONDITION_MET, null, ts);
                    }
                    states.put(key, s);
                    open.put(key, PRESENT);
                }
            }
            case PENDING -> {
                observe(s, series, value, level, ts);
                if (level == null) {
                    resolve(s, ts, Reason.PENDING_CANCELLED, null, null, null);
                } else {
                    if (ts >= s.getStartedAt() + rule.forMs()) {
                        fire(s, rule, ts, AlertState.PENDING);
                    }
                    states.put(key, s);
                }
            }
            case FIRING, ACKNOWLEDGED -> {
                observe(s, series, value, level, ts);
                if (level != null) {
                    s.setKeepSince(null);
                    if (level.severity() != s.getSeverity()) {
                        s.setSeverity(level.severity());
                        s.setThreshold(level.threshold());
                        emit(s, Transition.SEVERITY_CHANGED, s.getState(), Reason.LEVEL_CHANGED, null, ts);
                    }
                    states.put(key, s);
                } else {
                    if (s.getKeepSince() == null) {
                        s.setKeepSince(ts);
                    }
                    if (ts >= s.getKeepSince() + rule.keepFiringForMs()) {
                        resolve(s, ts, Reason.RECOVERED, null, null, null);
                    } else {
                        states.put(key, s);
                    }
                }
            }
            default -> throw new IllegalStateException("unknown alert state " + state);
        }
    }

    private AlertStatus newIncident(AlertStatus previous, String key, Series series, CompiledRule rule, double value,
                                    Level level, long ts) {
        AlertStatus s = AlertStatus.newBuilder()
                .setAlertKey(key)
                .setRuleId(rule.ruleId())
                .setInstanceId(series.instanceId())
                .setMetricName(series.metricName())
                .setDatabaseType(series.databaseType())
                .setEnvironment(series.environment())
                .setTags(series.tags())
                .setState(AlertState.PENDING)
                .setSeverity(level.severity())
                .setThreshold(level.threshold())
                .setValue(value)
                .setIncident(previous == null ? 1 : previous.getIncident() + 1)
                .setStartedAt(ts)
                .setLastSampleAt(ts)
                .setUpdatedAt(ts)
                .setRecentCommandIds(previous == null ? new ArrayList<>() : previous.getRecentCommandIds())
                .build();
        return s;
    }

    /** Records the sample on the alert (not yet saved). */
    private static void observe(AlertStatus s, Series series, double value, Level level, long ts) {
        s.setLastSampleAt(ts);
        s.setValue(value);
        s.setTags(series.tags());
        if (level != null && s.getState() == AlertState.PENDING) {
            s.setSeverity(level.severity());
            s.setThreshold(level.threshold());
        }
    }

    private void fire(AlertStatus s, CompiledRule rule, long ts, AlertState previous) {
        long now = context.currentSystemTimeMs();
        s.setState(AlertState.FIRING);
        s.setFiredAt(ts);
        s.setKeepSince(null);
        s.setReminderNumber(0);
        schedule(s, rule, now);
        emit(s, Transition.FIRED, previous, Reason.FOR_ELAPSED, null, ts);
    }

    // ---- resolution ----------------------------------------------------------------------------

    /** Resolves and saves {@code s}; {@code by} is null when it resolved by itself. */
    private void resolve(AlertStatus s, long at, Reason reason, String by, String comment, String commandId) {
        AlertState previous = s.getState();
        cancelTimers(s);
        s.setState(AlertState.RESOLVED);
        s.setKeepSince(null);
        s.setResolvedBy(by);
        s.setResolveComment(comment);
        emit(s, Transition.RESOLVED, previous, reason, commandId, at);
        states.put(s.getAlertKey(), s);
        open.delete(s.getAlertKey());
    }

    // ---- commands ------------------------------------------------------------------------------

    private void onCommand(AlertCommand command, long recordTimestamp) {
        long now = context.currentSystemTimeMs();
        String key = command.getAlertKey();
        AlertStatus s = states.get(key);
        if (s != null && s.getRecentCommandIds().contains(command.getCommandId())) {
            result(command, CommandOutcome.DUPLICATE, null, "command " + command.getCommandId() + " was already applied", s, now);
            return;
        }
        CommandRejection rejection = rejection(command, s);
        if (rejection != null) {
            counters.increment(Counter.COMMANDS_REJECTED);
            result(command, CommandOutcome.REJECTED, rejection, explain(rejection, command, s), s, now);
            return;
        }
        remember(s, command.getCommandId());
        switch (command.getType()) {
            case ACKNOWLEDGE -> {
                cancelTimers(s);
                s.setState(AlertState.ACKNOWLEDGED);
                s.setAcknowledgedBy(command.getBy());
                s.setAcknowledgedAt(command.getIssuedAt().toEpochMilli());
                s.setAckComment(command.getComment());
                emit(s, Transition.ACKNOWLEDGED, AlertState.FIRING, Reason.MANUAL, command.getCommandId(), now);
                states.put(key, s);
            }
            case UNACKNOWLEDGE -> {
                s.setState(AlertState.FIRING);
                s.setAcknowledgedBy(null);
                s.setAcknowledgedAt(null);
                s.setAckComment(null);
                CompiledRule rule = ruleBook.rule(s.getRuleId());
                if (rule != null) {
                    schedule(s, rule, now);
                }
                emit(s, Transition.UNACKNOWLEDGED, AlertState.ACKNOWLEDGED, Reason.MANUAL, command.getCommandId(), now);
                states.put(key, s);
            }
            case RESOLVE -> resolve(s, now, Reason.MANUAL, command.getBy(), command.getComment(), command.getCommandId());
            default -> throw new IllegalStateException("unknown command type " + command.getType());
        }
        counters.increment(Counter.COMMANDS_APPLIED);
        result(command, CommandOutcome.APPLIED, null, null, s, now);
    }

    private static CommandRejection rejection(AlertCommand command, AlertStatus s) {
        if (s == null) {
            return CommandRejection.UNKNOWN_ALERT;
        }
        if (command.getIncident() != null && command.getIncident() != s.getIncident()) {
            return CommandRejection.STALE_INCIDENT;
        }
        AlertState state = s.getState();
        if (state == AlertState.RESOLVED) {
            return CommandRejection.ALREADY_RESOLVED;
        }
        if (state == AlertState.PENDING) {
            return CommandRejection.NOT_FIRING;
        }
        return switch (command.getType()) {
            case ACKNOWLEDGE -> state == AlertState.ACKNOWLEDGED ? CommandRejection.ALREADY_ACKNOWLEDGED : null;
            case UNACKNOWLEDGE -> state == AlertState.ACKNOWLEDGED ? null : CommandRejection.NOT_ACKNOWLEDGED;
            case RESOLVE -> null;
        };
    }

    private static String explain(CommandRejection rejection, AlertCommand command, AlertStatus s) {
        return switch (rejection) {
            case UNKNOWN_ALERT -> "no alert has key '" + command.getAlertKey() + "'";
            case STALE_INCIDENT -> "the command is for incident " + command.getIncident() + " but the alert is at incident "
                    + s.getIncident();
            case ALREADY_RESOLVED -> "incident " + s.getIncident() + " of '" + command.getAlertKey() + "' is already resolved";
            case NOT_FIRING -> "'" + command.getAlertKey() + "' is pending (its 'for' period is not served); nothing fires yet";
            case ALREADY_ACKNOWLEDGED -> "already acknowledged by " + s.getAcknowledgedBy();
            case NOT_ACKNOWLEDGED -> "'" + command.getAlertKey() + "' is not acknowledged";
        };
    }

    private static void remember(AlertStatus s, String commandId) {
        List<String> ids = new ArrayList<>(s.getRecentCommandIds());
        ids.add(commandId);
        if (ids.size() > COMMAND_IDS_KEPT) {
            ids.remove(0);
        }
        s.setRecentCommandIds(ids);
    }

    private void result(AlertCommand command, CommandOutcome outcome, CommandRejection rejection, String detail,
                        AlertStatus s, long now) {
        CommandResult result = CommandResult.newBuilder()
                .setCommandId(command.getCommandId())
                .setAlertKey(command.getAlertKey())
                .setType(command.getType())
                .setBy(command.getBy())
                .setOutcome(outcome)
                .setRejection(rejection)
                .setDetail(detail)
                .setState(s == null ? null : s.getState())
                .setIncident(s == null ? null : s.getIncident())
                .setProcessedAt(java.time.Instant.ofEpochMilli(now))
                .build();
        context.forward(new Record<>(command.getAlertKey(), result, now));
    }

    // ---- timers --------------------------------------------------------------------------------

    /** Schedules the reminder and, if not yet escalated, the escalation, from {@code now}. */
    private void schedule(AlertStatus s, CompiledRule rule, long now) {
        cancelTimers(s);
        if (rule.repeatIntervalMs() != null) {
            long due = now + rule.repeatIntervalMs();
            s.setReminderDue(due);
            timers.put(TimerKeys.key(due, TimerKeys.Kind.REMINDER, s.getAlertKey()), PRESENT);
        }
        if (rule.escalateAfterMs() != null && !s.getEscalated()) {
            long due = now + rule.escalateAfterMs();
            s.setEscalationDue(due);
            timers.put(TimerKeys.key(due, TimerKeys.Kind.ESCALATION, s.getAlertKey()), PRESENT);
        }
    }

    private void cancelTimers(AlertStatus s) {
        if (s.getReminderDue() != null) {
            timers.delete(TimerKeys.key(s.getReminderDue(), TimerKeys.Kind.REMINDER, s.getAlertKey()));
            s.setReminderDue(null);
        }
        if (s.getEscalationDue() != null) {
            timers.delete(TimerKeys.key(s.getEscalationDue(), TimerKeys.Kind.ESCALATION, s.getAlertKey()));
            s.setEscalationDue(null);
        }
    }

    private void tick(long now) {
        reconcileRules(now);
        List<TimerKeys.Timer> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = timers.all()) {
            while (it.hasNext() && due.size() < settings.maxTimersPerTick()) {
                TimerKeys.Timer timer = TimerKeys.parse(it.next().key);
                if (timer.due() > now) {
                    break;
                }
                due.add(timer);
            }
        }
        for (TimerKeys.Timer timer : due) {
            timers.delete(TimerKeys.key(timer.due(), timer.kind(), timer.alertKey()));
            AlertStatus s = states.get(timer.alertKey());
            if (s == null || s.getState() != AlertState.FIRING) {
                continue;
            }
            CompiledRule rule = ruleBook.rule(s.getRuleId());
            if (timer.kind() == TimerKeys.Kind.REMINDER && Long.valueOf(timer.due()).equals(s.getReminderDue())) {
                s.setReminderNumber(s.getReminderNumber() + 1);
                s.setReminderDue(null);
                if (rule != null && rule.repeatIntervalMs() != null) {
                    long next = now + rule.repeatIntervalMs();
                    s.setReminderDue(next);
                    timers.put(TimerKeys.key(next, TimerKeys.Kind.REMINDER, s.getAlertKey()), PRESENT);
                }
                emit(s, Transition.REMINDER, AlertState.FIRING, Reason.REPEAT_INTERVAL_ELAPSED, null, now);
                states.put(s.getAlertKey(), s);
            } else if (timer.kind() == TimerKeys.Kind.ESCALATION && Long.valueOf(timer.due()).equals(s.getEscalationDue())) {
                s.setEscalationDue(null);
                if (rule != null && !s.getEscalated()) {
                    s.setEscalated(true);
                    s.setEscalatedSeverity(rule.escalateToSeverity());
                    s.setEscalatedRoutingKey(rule.escalateRoutingKey());
                    emit(s, Transition.ESCALATED, AlertState.FIRING, Reason.NOT_ACKNOWLEDGED_IN_TIME, null, now);
                }
                states.put(s.getAlertKey(), s);
            }
        }
    }

    /**
     * Resolves open alerts whose rule was deleted, disabled, or no longer selects their series.
     * Only the rules changed since the last look are checked, by prefix over the open alerts;
     * after a restart (or when the change history is gone) every open alert is checked once.
     */
    private void reconcileRules(long now) {
        long version = ruleBook.version();
        if (version == seenRuleVersion) {
            return;
        }
        Optional<Set<String>> changed = ruleBook.changedSince(seenRuleVersion);
        List<String> candidates = new ArrayList<>();
        if (changed.isPresent()) {
            for (String ruleId : changed.get()) {
                try (KeyValueIterator<String, byte[]> it = open.prefixScan(ruleId + ":", STRINGS)) {
                    it.forEachRemaining(kv -> candidates.add(kv.key));
                }
            }
        } else {
            try (KeyValueIterator<String, byte[]> it = open.all()) {
                it.forEachRemaining((KeyValue<String, byte[]> kv) -> candidates.add(kv.key));
            }
        }
        for (String key : candidates) {
            AlertStatus s = states.get(key);
            if (s == null || s.getState() == AlertState.RESOLVED) {
                open.delete(key);
                continue;
            }
            CompiledRule rule = ruleBook.rule(s.getRuleId());
            if (rule == null) {
                resolve(s, now, Reason.RULE_DELETED, null, "rule '" + s.getRuleId() + "' was deleted", null);
            } else if (!rule.enabled()) {
                resolve(s, now, Reason.RULE_DISABLED, null, "rule '" + s.getRuleId() + "' was disabled", null);
            } else if (!rule.selects(new Series(s.getMetricName(), s.getInstanceId(), s.getDatabaseType(),
                    s.getEnvironment(), s.getTags()))) {
                resolve(s, now, Reason.NO_LONGER_SELECTED, null, "rule '" + s.getRuleId()
                        + "' changed and no longer selects this series", null);
            }
        }
        seenRuleVersion = version;
    }

    // ---- output --------------------------------------------------------------------------------

    private void emit(AlertStatus s, Transition transition, AlertState previous, Reason reason, String commandId,
                      long at) {
        s.setUpdatedAt(at);
        Map<String, Integer> counts = new HashMap<>(s.getTransitionCounts());
        int occurrence = counts.getOrDefault(transition.name(), 0);
        counts.put(transition.name(), occurrence + 1);
        s.setTransitionCounts(counts);
        int number = transition == Transition.REMINDER ? s.getReminderNumber() : occurrence;
        context.forward(new Record<>(s.getAlertKey(), events.event(s, transition, previous, reason, commandId, number), at));
        counters.increment(Counter.EVENTS);
    }

    /** The severity an event reports: the level reached, raised to the escalation target once escalated. */
    public static Severity effectiveSeverity(AlertStatus s) {
        Severity escalated = s.getEscalated() ? s.getEscalatedSeverity() : null;
        return escalated != null && escalated.compareTo(s.getSeverity()) > 0 ? escalated : s.getSeverity();
    }

    /** Everything the processor needs besides the rule book: store names and tick settings. */
    public record AlertProcessorSettings(String stateStore, String openStore, String timerStore,
                                         Duration punctuationInterval, int maxTimersPerTick) {
    }
}
