package com.gds.alerting.topologies.alert;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
import com.gds.alerting.avro.Comparison;
import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.RuleKind;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.avro.internal.AbsenceTrack;
import com.gds.alerting.avro.internal.AlertStatus;
import com.gds.alerting.contract.AlertKeys;
import com.gds.alerting.topologies.AlertingCounters;
import com.gds.alerting.topologies.AlertingCounters.Counter;
import com.gds.alerting.topologies.TimeMath;
import com.gds.alerting.topologies.absence.AbsenceTracker;
import com.gds.alerting.topologies.rules.CompiledRule;
import com.gds.alerting.topologies.rules.Level;
import com.gds.alerting.topologies.rules.Levels;
import com.gds.alerting.topologies.rules.RuleBook;
import com.gds.alerting.topologies.rules.Series;
import com.gds.alerting.topologies.rules.SeriesBy;
import com.gds.alerting.topologies.silences.SilenceBook;
import com.gds.alerting.topologies.slo.SloTracker;
import com.gds.alerting.topologies.window.WindowAggregator;

/**
 * Evaluates each metric against the rules that select it — threshold, window, SLO and absence
 * rules, each reaching a {@link Verdict} its own way — and feeds the verdicts to the one
 * {@link AlertLifecycle}; applies operator commands; and on wall-clock punctuation drives
 * reminders, escalation, absence timers, the end of silences (and silences changed or deleted) and
 * the resolution of alerts whose rule went away. Every
 * transition is forwarded as an {@code AlertEvent} keyed by alert key; every command gets a
 * {@code CommandResult}.
 *
 * <p>Stores: the alert state by alert key; the open alerts by alert key (prefix-scanned by rule
 * id when a rule changes); the timers by due time; window panes and progress
 * ({@link WindowAggregator}); SLO state by {@code ruleId:instanceId} ({@link SloTracker}); the
 * series absence rules track ({@link AbsenceTracker}). Late samples are ignored and counted.
 */
public final class AlertProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(AlertProcessor.class);
    private static final byte[] PRESENT = AlertLifecycle.PRESENT;
    private static final int COMMAND_IDS_KEPT = 32;
    private static final StringSerializer STRINGS = new StringSerializer();
    private static final byte[] SILENCED_BY = AlertLifecycle.SILENCED_BY.getBytes(StandardCharsets.UTF_8);
    /**
     * Alert states the retention sweep looks at per tick: a full pass over a million keys takes
     * about 17 minutes at the default 1 s tick, against a retention of days, and a tick stays short.
     */
    static final int RETENTION_SWEEP_PER_TICK = 1_000;

    private final AlertProcessorSettings settings;
    private final RuleBook ruleBook;
    private final SilenceBook silenceBook;
    private final AlertingCounters counters;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, AlertStatus> states;
    private KeyValueStore<String, byte[]> open;
    private KeyValueStore<Bytes, byte[]> timers;
    private AlertLifecycle lifecycle;
    private WindowAggregator windows;
    private SloTracker slos;
    private AbsenceTracker absences;
    private long seenRuleVersion = -1;
    private long seenSilenceVersion = -1;
    /** Where the retention sweep goes on (the last key it looked at); null: from the start. */
    private String sweepCursor;

    public AlertProcessor(AlertProcessorSettings settings, RuleBook ruleBook, SilenceBook silenceBook, AlertingCounters counters) {
        this.settings = settings;
        this.ruleBook = ruleBook;
        this.silenceBook = silenceBook;
        this.counters = counters;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.states = context.getStateStore(settings.stateStore());
        this.open = context.getStateStore(settings.openStore());
        this.timers = context.getStateStore(settings.timerStore());
        this.lifecycle = new AlertLifecycle(context, states, open, timers, ruleBook, silenceBook, counters,
                settings.resolvedRetention().toMillis());
        this.windows = new WindowAggregator(context.getStateStore(settings.windowPanesStore()),
                context.getStateStore(settings.windowProgressStore()));
        this.slos = new SloTracker(context.getStateStore(settings.sloStore()));
        this.absences = new AbsenceTracker(context.getStateStore(settings.absenceStore()));
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
        switch (rule.kind()) {
            case THRESHOLD -> lifecycle.evaluate(rule, series, ts, false, firing -> {
                Levels levels = rule.levelsAt(series, ts);
                return levels.disabled() ? Verdict.DISABLED : verdict(levels.verdict(value, firing), value);
            });
            case WINDOW -> onWindowSample(rule, series, value, ts);
            case SLO -> onSloSample(rule, series, value, ts);
            case ABSENCE -> onAbsenceSample(rule, series);
            default -> throw new IllegalStateException("unknown rule kind " + rule.kind());
        }
    }

    private static Verdict verdict(Level level, double value) {
        return level == null ? Verdict.healthy(value) : Verdict.breached(level, value);
    }

    /** Each window the sample closes is one evaluation, at the window's end. */
    private void onWindowSample(CompiledRule rule, Series series, double value, long ts) {
        String key = SeriesBy.alertKey(rule, series);
        WindowAggregator.Outcome outcome = windows.add(rule.window(), key, value, ts);
        if (outcome.late()) {
            counters.increment(Counter.SAMPLES_LATE);
            return;
        }
        for (WindowAggregator.Closed window : outcome.closed()) {
            counters.increment(Counter.WINDOWS_EVALUATED);
            lifecycle.evaluate(rule, series, window.end(), false, firing -> {
                Levels levels = rule.levelsAt(series, window.end());
                return levels.disabled() ? Verdict.DISABLED : verdict(levels.verdict(window.value(), firing), window.value());
            });
        }
    }

    /**
     * The SLO's alert key carries the selector's metric, whichever of its counters the sample is. A RATIO
     * SLO decides once per collection instant, when its second counter arrives ({@link SloTracker}).
     */
    private void onSloSample(CompiledRule rule, Series series, double value, long ts) {
        SloTracker.Update update = slos.update(rule, series.instanceId(), series.metricName(), value, ts);
        if (update.abandonedAt() != null) {
            counters.increment(Counter.SLO_INSTANTS_INCOMPLETE);
        }
        if (update.outcome() == SloTracker.Outcome.LATE) {
            counters.increment(Counter.SAMPLES_LATE);
        }
        if (update.outcome() != SloTracker.Outcome.DECIDED) {
            return;
        }
        SloTracker.Decision decision = update.decision();
        Series alerted = new Series(rule.metricName(), series.instanceId(), series.databaseType(), series.environment(),
                series.tags());
        lifecycle.evaluate(rule, alerted, decision.at(), true, firing -> {
            if (rule.disabledFor(alerted)) {
                return Verdict.DISABLED;
            }
            return decision.firing()
                    ? Verdict.breached(new Level(decision.severity(), Comparison.GT, decision.threshold(), decision.threshold()),
                            decision.burnRate())
                    : Verdict.healthy(decision.burnRate());
        });
    }

    /** A sample of an absent series resolves its alert; every sample pushes the deadline back. */
    private void onAbsenceSample(CompiledRule rule, Series series) {
        long now = context.currentSystemTimeMs();
        String key = SeriesBy.alertKey(rule, series);
        AbsenceTracker.Rearm rearm = absences.onSample(key, series, rule.forMs(), now);
        if (rearm != null) {
            if (rearm.oldDue() != null) {
                timers.delete(TimerKeys.key(rearm.oldDue(), rearm.oldWasForget() ? TimerKeys.Kind.FORGET
                        : TimerKeys.Kind.ABSENCE, key));
            }
            timers.put(TimerKeys.key(rearm.newDue(), TimerKeys.Kind.ABSENCE, key), PRESENT);
        }
        if (open.get(key) != null) {
            lifecycle.evaluate(rule, series, now, true, firing -> rule.disabledFor(series) ? Verdict.DISABLED
                    : Verdict.healthy(0));
        }
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
                lifecycle.cancelTimers(s);
                s.setState(AlertState.ACKNOWLEDGED);
                s.setAcknowledgedBy(command.getBy());
                s.setAcknowledgedAt(command.getIssuedAt().toEpochMilli());
                s.setAckComment(command.getComment());
                lifecycle.emit(s, Transition.ACKNOWLEDGED, AlertState.FIRING, Reason.MANUAL, command.getCommandId(), now);
                states.put(key, s);
            }
            case UNACKNOWLEDGE -> {
                s.setState(AlertState.FIRING);
                s.setAcknowledgedBy(null);
                s.setAcknowledgedAt(null);
                s.setAckComment(null);
                CompiledRule rule = ruleBook.rule(s.getRuleId());
                if (rule != null) {
                    lifecycle.schedule(s, rule, now);
                }
                lifecycle.emit(s, Transition.UNACKNOWLEDGED, AlertState.ACKNOWLEDGED, Reason.MANUAL, command.getCommandId(), now);
                states.put(key, s);
            }
            case RESOLVE -> lifecycle.resolve(s, now, Reason.MANUAL, command.getBy(), command.getComment(), command.getCommandId());
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

    private void tick(long now) {
        reconcileRules(now);
        reconcileSilences(now);
        sweepResolved(now);
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
            if (timer.kind() == TimerKeys.Kind.ABSENCE || timer.kind() == TimerKeys.Kind.FORGET) {
                onAbsenceTimer(timer, now);
                continue;
            }
            if (timer.kind() == TimerKeys.Kind.UNMUTE) {
                lifecycle.recheck(timer.alertKey(), now);
                continue;
            }
            AlertStatus s = states.get(timer.alertKey());
            if (s == null || s.getState() != AlertState.FIRING) {
                continue;
            }
            CompiledRule rule = ruleBook.rule(s.getRuleId());
            if (timer.kind() == TimerKeys.Kind.REMINDER && Long.valueOf(timer.due()).equals(s.getReminderDue())) {
                s.setReminderNumber(s.getReminderNumber() + 1);
                s.setReminderDue(null);
                if (rule != null && rule.repeatIntervalMs() != null) {
                    long next = TimeMath.plus(now, rule.repeatIntervalMs());
                    s.setReminderDue(next);
                    timers.put(TimerKeys.key(next, TimerKeys.Kind.REMINDER, s.getAlertKey()), PRESENT);
                }
                lifecycle.emit(s, Transition.REMINDER, AlertState.FIRING, Reason.REPEAT_INTERVAL_ELAPSED, null, now);
                states.put(s.getAlertKey(), s);
            } else if (timer.kind() == TimerKeys.Kind.ESCALATION && Long.valueOf(timer.due()).equals(s.getEscalationDue())) {
                s.setEscalationDue(null);
                if (rule != null && !s.getEscalated()) {
                    s.setEscalated(true);
                    s.setEscalatedSeverity(rule.escalateToSeverity());
                    s.setEscalatedRoutingKey(rule.escalateRoutingKey());
                    lifecycle.emit(s, Transition.ESCALATED, AlertState.FIRING, Reason.NOT_ACKNOWLEDGED_IN_TIME, null, now);
                }
                states.put(s.getAlertKey(), s);
            }
        }
    }

    /**
     * Deletes the states of alerts resolved longer than the retention ago, so the store holds the
     * open alerts and the recently resolved ones, not every key ever seen. Looks at
     * {@link #RETENTION_SWEEP_PER_TICK} keys per tick, going on from where the previous tick stopped
     * and starting over at the end. Each deletion is forwarded as a tombstone (null value) keyed by
     * the alert key, which drops the alert's history too. An incident opened on the key later starts
     * at incident 1, with message ids new by its start time.
     */
    private void sweepResolved(long now) {
        List<String> expired = new ArrayList<>();
        String last = null;
        int looked = 0;
        boolean more;
        try (KeyValueIterator<String, AlertStatus> it = states.range(sweepCursor, null)) {
            while (it.hasNext() && looked < RETENTION_SWEEP_PER_TICK) {
                KeyValue<String, AlertStatus> kv = it.next();
                if (kv.key.equals(sweepCursor)) {
                    continue;
                }
                looked++;
                last = kv.key;
                if (lifecycle.expired(kv.value, now)) {
                    expired.add(kv.key);
                }
            }
            more = it.hasNext();
        }
        sweepCursor = more ? last : null;
        for (String key : expired) {
            states.delete(key); // a resolved alert has no open entry (resolve removed it): nothing else to delete
            context.forward(new Record<>(key, null, now));
            counters.increment(Counter.RESOLVED_ALERTS_EXPIRED);
        }
        if (!expired.isEmpty()) {
            LOG.debug("deleted {} resolved alert states older than the retention", expired.size());
        }
    }

    /**
     * An absence timer came due: re-arm it if the series was heard from since, fire the absence
     * alert after {@code for} of silence, forget the series after the retention (resolving its alert).
     */
    private void onAbsenceTimer(TimerKeys.Timer timer, long now) {
        String key = timer.alertKey();
        AlertKeys.Parts parts = AlertKeys.parse(key);
        CompiledRule rule = parts == null ? null : ruleBook.rule(parts.ruleId());
        if (rule == null || !rule.enabled() || rule.kind() != RuleKind.ABSENCE) {
            absences.forget(key);
            return;
        }
        AbsenceTrack tracked = absences.get(key);
        if (tracked != null && !SeriesBy.alertKey(rule, AbsenceTracker.series(tracked, parts.metricName(), parts.instanceId()))
                .equals(key)) {
            // The rule's 'by' changed: the series is tracked under its new key; this one would fire for a silence
            // that is not one. Its open alert, if any, is resolved by reconcileRules.
            absences.forget(key);
            return;
        }
        long retention = rule.forgetAfterMs() != null ? rule.forgetAfterMs() : settings.absenceRetention().toMillis();
        boolean forgetTimer = timer.kind() == TimerKeys.Kind.FORGET;
        AbsenceTracker.Due outcome = absences.onTimer(key, timer.due(), forgetTimer, rule.forMs(), retention, now);
        AbsenceTrack track = absences.get(key);
        if (track != null && outcome != AbsenceTracker.Due.STALE) {
            timers.put(TimerKeys.key(track.getArmedDue(), track.getArmedForget() ? TimerKeys.Kind.FORGET
                    : TimerKeys.Kind.ABSENCE, key), PRESENT);
        }
        switch (outcome) {
            case ABSENT -> {
                Series series = AbsenceTracker.series(track, parts.metricName(), parts.instanceId());
                double silentSeconds = (now - track.getLastSeenAt()) / 1000.0;
                double threshold = rule.forMs() / 1000.0;
                lifecycle.evaluate(rule, series, now, true, firing -> rule.disabledFor(series) ? Verdict.DISABLED
                        : Verdict.breached(new Level(rule.absenceSeverity(), Comparison.GT, threshold, threshold), silentSeconds));
            }
            case FORGOTTEN -> {
                counters.increment(Counter.INSTANCES_FORGOTTEN);
                AlertStatus s = states.get(key);
                if (s != null && s.getState() != AlertState.RESOLVED) {
                    lifecycle.resolve(s, now, Reason.INSTANCE_FORGOTTEN, null, "no sample for "
                            + Duration.ofMillis(retention) + "; the instance is no longer tracked", null);
                }
            }
            default -> {
            }
        }
    }

    /**
     * Drops the window, SLO and absence state a changed rule no longer uses (deleted, or now of
     * another kind). After a restart the change history is gone and this is skipped: such state
     * then stays, bounded per series (README, "Store layouts").
     */
    private void forgetKindState(String ruleId) {
        CompiledRule rule = ruleBook.rule(ruleId);
        RuleKind kind = rule == null ? null : rule.kind();
        if (kind != RuleKind.WINDOW) {
            windows.forget(ruleId);
        }
        if (kind != RuleKind.SLO) {
            slos.forget(ruleId);
        }
        if (kind != RuleKind.ABSENCE) {
            absences.forgetRule(ruleId);
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
                forgetKindState(ruleId);
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
                lifecycle.resolve(s, now, Reason.RULE_DELETED, null, "rule '" + s.getRuleId() + "' was deleted", null);
            } else if (rule.shadow() != s.getShadow()) {
                lifecycle.resolve(s, now, Reason.ROLE_CHANGED, null, "rule '" + s.getRuleId() + "' is now "
                        + (rule.shadow() ? "a shadow rule" : "a live rule") + "; the next breach opens a new incident", null);
            } else if (!rule.enabled()) {
                lifecycle.resolve(s, now, Reason.RULE_DISABLED, null, "rule '" + s.getRuleId() + "' was disabled", null);
            } else if (!rule.selects(series(s))) {
                lifecycle.resolve(s, now, Reason.NO_LONGER_SELECTED, null, "rule '" + s.getRuleId()
                        + "' changed and no longer selects this series", null);
            } else if (!SeriesBy.alertKey(rule, series(s)).equals(key)) {
                lifecycle.resolve(s, now, Reason.ALERT_KEY_CHANGED, null, "rule '" + s.getRuleId() + "' changed its 'by': this"
                        + " series now alerts under '" + SeriesBy.alertKey(rule, series(s)) + "'", null);
            } else if (!s.getInhibiting().isEmpty()) {
                lifecycle.recheckInhibited(s, now);
            }
        }
        seenRuleVersion = version;
    }

    private static Series series(AlertStatus s) {
        return new Series(s.getMetricName(), s.getInstanceId(), s.getDatabaseType(), s.getEnvironment(), s.getTags());
    }

    /**
     * After a silence was created, changed or deleted (and once after a start), looks again at the
     * open alerts a silence keeps quiet: those no longer silenced notify now. Their open-alert entries
     * name the silence, so no alert state is decoded for the others; silences change by hand, rarely.
     */
    private void reconcileSilences(long now) {
        long version = silenceBook.version();
        if (version == seenSilenceVersion) {
            return;
        }
        List<String> silenced = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = open.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                if (startsWith(kv.value, SILENCED_BY)) {
                    silenced.add(kv.key);
                }
            }
        }
        for (String key : silenced) {
            lifecycle.recheck(key, now);
        }
        seenSilenceVersion = version;
    }

    private static boolean startsWith(byte[] value, byte[] prefix) {
        return value != null && value.length >= prefix.length
                && Arrays.equals(value, 0, prefix.length, prefix, 0, prefix.length);
    }

    /**
     * Everything the processor needs besides the rule book: store names, tick settings, how long
     * an absence rule remembers a silent instance when the rule does not say, and how long a resolved
     * alert's state is kept.
     */
    public record AlertProcessorSettings(String stateStore, String openStore, String timerStore, String windowPanesStore,
                                         String windowProgressStore, String sloStore, String absenceStore,
                                         Duration punctuationInterval, int maxTimersPerTick, Duration absenceRetention,
                                         Duration resolvedRetention) {
    }
}
