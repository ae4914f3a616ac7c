package com.gds.alerting.topologies.alert;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.avro.internal.AlertStatus;
import com.gds.alerting.avro.internal.DecisionExplanation;
import com.gds.alerting.topologies.AlertingCounters;
import com.gds.alerting.topologies.AlertingCounters.Counter;
import com.gds.alerting.topologies.TimeMath;
import com.gds.alerting.topologies.notify.NotifyPolicy;
import com.gds.alerting.topologies.rules.CompiledRule;
import com.gds.alerting.topologies.rules.Level;
import com.gds.alerting.topologies.rules.RuleBook;
import com.gds.alerting.topologies.rules.Series;
import com.gds.alerting.topologies.rules.SeriesBy;
import com.gds.alerting.topologies.silences.ActiveSilence;
import com.gds.alerting.topologies.silences.SilenceBook;

/**
 * The alert lifecycle of docs/semantics.md, shared by every rule kind: a {@link Verdict} at an
 * evaluation time becomes PENDING / FIRED / SEVERITY_CHANGED / RESOLVED transitions with
 * {@code for}, {@code keep_firing_for}, incidents, reminders and escalation timers, and each
 * transition one {@code AlertEvent}. Threshold, window, SLO and absence rules differ only in how
 * they reach a verdict and at which time. A verdict on a key without state, or with a resolved one, is
 * decided from the {@link AlertStates} index and reads the stored state only when it breaches.
 */
final class AlertLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(AlertLifecycle.class);
    private static final long SHARED_KEY_WARN_EVERY_MS = 10 * 60_000L;

    /** When a rule and metric whose series share alert keys was last reported, to say it once in a while. */
    private final java.util.Map<String, Long> sharedKeyWarnedAt = new java.util.HashMap<>();
    static final byte[] PRESENT = new byte[0];
    static final String SILENCED_BY = NotifyPolicy.SILENCE_PREFIX;
    static final String INHIBITED_BY = NotifyPolicy.INHIBITION_PREFIX;
    /** Transitions that notify unless something keeps them quiet (docs/semantics.md, notification policy). */
    private static final Set<Transition> NOTIFYING = EnumSet.of(Transition.FIRED, Transition.SEVERITY_CHANGED,
            Transition.RESOLVED, Transition.REMINDER, Transition.ESCALATED);
    /** Alerts one inhibition source remembers having kept quiet (one instance's alerts: a handful). */
    private static final int INHIBITED_KEPT = 1_000;

    private final ProcessorContext<String, SpecificRecord> context;
    private final AlertStates states;
    private final KeyValueStore<String, byte[]> open;
    private final KeyValueStore<Bytes, byte[]> timers;
    private final AlertEvents events;
    private final RuleBook ruleBook;
    private final SilenceBook silences;
    private final AlertingCounters counters;
    private final long resolvedRetentionMs;

    AlertLifecycle(ProcessorContext<String, SpecificRecord> context, KeyValueStore<String, AlertStatus> states,
                   KeyValueStore<String, byte[]> open, KeyValueStore<Bytes, byte[]> timers, RuleBook ruleBook,
                   SilenceBook silences, AlertingCounters counters, long resolvedRetentionMs) {
        this.context = context;
        this.states = new AlertStates(states);
        this.open = open;
        this.timers = timers;
        this.events = new AlertEvents(ruleBook);
        this.ruleBook = ruleBook;
        this.silences = silences;
        this.counters = counters;
        this.resolvedRetentionMs = resolvedRetentionMs;
    }

    /**
     * Whether {@code s} is a resolved alert whose retention has passed at {@code at}: counted from
     * its resolution ({@code updated_at}: the event time of the resolving sample, or the wall-clock
     * time of a manual, timer or rule-change resolution).
     */
    boolean expired(AlertStatus s, long at) {
        return s.getState() == AlertState.RESOLVED && at - s.getUpdatedAt() >= resolvedRetentionMs;
    }

    /** The alert states, through the one place that keeps their in-memory index. */
    AlertStates states() {
        return states;
    }

    KeyValueStore<String, byte[]> open() {
        return open;
    }

    KeyValueStore<Bytes, byte[]> timers() {
        return timers;
    }

    /**
     * Applies the verdict of {@code rule} on {@code series} at time {@code at}. An evaluation
     * older than the newest one already applied to the alert key is late and ignored (counted); one
     * at the same time is a replayed duplicate and ignored too, unless {@code sameTimeAgain} (an absence rule
     * on the wall clock; a ratio SLO only when it completes an instant left half-counted by the
     * format-1 slo-state layout, as ratio SLOs now decide once per instant).
     */
    void evaluate(CompiledRule rule, Series series, long at, boolean sameTimeAgain, Verdict.Judge judge) {
        String key = SeriesBy.alertKey(rule, series);
        AlertStates.Known known = states.known(key);
        if (known == null || known.resolved()) {
            // No state, or a resolved one: only a breach changes it, so the state is read (and decoded) only
            // then. What the full path would do before (shared-key and late checks) needs only what the index
            // holds: a key without state has nothing to be late against or to share.
            if (known != null && ignored(rule, series, key, known.tags(), known.lastSampleAt(), at, sameTimeAgain)) {
                return;
            }
            Verdict verdict = judge.judge(null);
            if (verdict.disabled() || verdict.level() == null) {
                return;
            }
            open(known == null ? null : states.get(key), key, series, rule, verdict.value(), verdict.level(), verdict.explanation(),
                    at);
            return;
        }
        AlertStatus s = states.get(key);
        if (s != null && ignored(rule, series, key, s.getTags(), s.getLastSampleAt(), at, sameTimeAgain)) {
            return;
        }
        AlertState state = s == null ? AlertState.RESOLVED : s.getState();
        boolean firing = state == AlertState.FIRING || state == AlertState.ACKNOWLEDGED;
        Verdict verdict = judge.judge(firing ? s.getSeverity() : null);
        double value = verdict.value();
        if (s != null && !verdict.disabled()) {
            s.setExplanation(verdict.explanation());
        }
        if (verdict.disabled()) {
            if (firing || state == AlertState.PENDING) {
                observe(s, series, value, null, at);
                resolve(s, at, Reason.DISABLED_BY_OVERRIDE, null, "disabled for this series by an override of rule '"
                        + rule.ruleId() + "'", null);
            }
            return;
        }
        Level level = verdict.level();
        switch (state) {
            case RESOLVED -> {
                if (level != null) {
                    open(s, key, series, rule, value, level, verdict.explanation(), at);
                }
            }
            case PENDING -> {
                observe(s, series, value, level, at);
                if (level == null) {
                    resolve(s, at, Reason.PENDING_CANCELLED, null, null, null);
                } else {
                    if (at >= TimeMath.plus(s.getStartedAt(), rule.pendingMs())) {
                        fire(s, rule, at, AlertState.PENDING);
                    }
                    states.put(key, s);
                }
            }
            case FIRING, ACKNOWLEDGED -> {
                observe(s, series, value, level, at);
                if (level != null) {
                    s.setKeepSince(null);
                    if (level.severity() != s.getSeverity()) {
                        s.setSeverity(level.severity());
                        s.setThreshold(level.threshold());
                        emit(s, Transition.SEVERITY_CHANGED, s.getState(), Reason.LEVEL_CHANGED, null, at);
                    }
                    states.put(key, s);
                } else {
                    if (s.getKeepSince() == null) {
                        s.setKeepSince(at);
                    }
                    if (at >= TimeMath.plus(s.getKeepSince(), rule.keepFiringForMs())) {
                        resolve(s, at, Reason.RECOVERED, null, null, null);
                    } else {
                        states.put(key, s);
                    }
                }
            }
            default -> throw new IllegalStateException("unknown alert state " + state);
        }
    }

    /**
     * A breach of a series without state, or whose alert is resolved ({@code previous}): a new incident,
     * PENDING or (without {@code for}) FIRED at once.
     */
    private void open(AlertStatus previous, String key, Series series, CompiledRule rule, double value, Level level,
                      DecisionExplanation explanation, long at) {
        // Past the retention, the state is as good as deleted (the sweep may not have come by
        // yet): numbering then depends on event time only, and a replay numbers alike.
        AlertStatus s = newIncident(previous == null || expired(previous, at) ? null : previous, key, series, rule, value,
                level, at);
        s.setExplanation(explanation);
        if (rule.pendingMs() == 0) {
            fire(s, rule, at, null);
        } else {
            s.setState(AlertState.PENDING);
            emit(s, Transition.PENDING, null, Reason.CONDITION_MET, null, at);
        }
        states.put(key, s);
        markOpen(s);
    }

    /**
     * Whether an evaluation at {@code at} is ignored as late (older than the newest one applied to the
     * alert, {@code lastSampleAt}) or a replayed duplicate (at the same time, unless {@code sameTimeAgain});
     * counted. Before that, a series with other tags than the alert's ({@code storedTags}) is reported as
     * sharing its alert key.
     */
    private boolean ignored(CompiledRule rule, Series series, String key, Map<String, String> storedTags, long lastSampleAt,
                            long at, boolean sameTimeAgain) {
        if (storedTags != null && !storedTags.equals(series.tags())) {
            sharedKey(rule, series, storedTags, at);
        }
        if (at < lastSampleAt || at == lastSampleAt && !sameTimeAgain) {
            counters.increment(Counter.SAMPLES_LATE);
            LOG.debug("late evaluation of {} at {} ignored: {} already evaluated", key, at, lastSampleAt);
            return true;
        }
        return false;
    }

    private static AlertStatus newIncident(AlertStatus previous, String key, Series series, CompiledRule rule, double value,
                                           Level level, long ts) {
        return AlertStatus.newBuilder()
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
                .setShadow(rule.shadow())
                .setShadowOf(rule.shadowOf())
                .build();
    }

    /**
     * Another series (other tags) of the same rule, instance and metric — and, for a rule with
     * {@code by}, the same values of those tags: they share one alert, so the verdict of one overwrites
     * the other's and a same-instant sample of the second is ignored as a duplicate. Counted, and said at
     * WARN once per rule and metric every ten minutes of event time (so a replay says it as often as the
     * live run did). A rule whose {@code by} tells its series apart never gets here.
     */
    private void sharedKey(CompiledRule rule, Series series, Map<String, String> storedTags, long now) {
        counters.increment(Counter.SERIES_SHARING_ALERT_KEY);
        String what = rule.ruleId() + ":" + series.metricName();
        Long last = sharedKeyWarnedAt.get(what);
        if (last == null || Math.abs(now - last) >= SHARED_KEY_WARN_EVERY_MS) {
            if (sharedKeyWarnedAt.size() >= 10_000) {
                sharedKeyWarnedAt.clear();
            }
            sharedKeyWarnedAt.put(what, now);
            LOG.warn("rule '{}' selects several series of '{}' on instance '{}' ({} and {}): they share one alert (one per rule,"
                    + " instance and metric), so one series' verdict overwrites the other's and a same-instant sample of the"
                    + " second is ignored; a breach can go unreported. If they are different series, list the tags that tell"
                    + " them apart in the rule's 'by' (differing here: {}) for one alert per series. Counted in {}",
                    rule.ruleId(), series.metricName(), series.instanceId(), storedTags, series.tags(),
                    differing(storedTags, series.tags()), Counter.SERIES_SHARING_ALERT_KEY.metricName());
        }
    }

    /** The tags whose values differ between two tag sets (one lacking a tag counts), sorted. */
    private static java.util.SortedSet<String> differing(Map<String, String> a, Map<String, String> b) {
        java.util.SortedSet<String> out = new java.util.TreeSet<>();
        a.forEach((tag, value) -> {
            if (!value.equals(b.get(tag))) {
                out.add(tag);
            }
        });
        b.keySet().stream().filter(tag -> !a.containsKey(tag)).forEach(out::add);
        return out;
    }

    /** Records the evaluation on the alert (not yet saved). */
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

    /** Resolves and saves {@code s}; {@code by} is null when it resolved by itself. */
    void resolve(AlertStatus s, long at, Reason reason, String by, String comment, String commandId) {
        AlertState previous = s.getState();
        cancelTimers(s);
        s.setState(AlertState.RESOLVED);
        s.setKeepSince(null);
        s.setResolvedBy(by);
        s.setResolveComment(comment);
        emit(s, Transition.RESOLVED, previous, reason, commandId, at);
        List<String> inhibited = s.getInhibiting();
        s.setInhibiting(new ArrayList<>());
        states.put(s.getAlertKey(), s);
        open.delete(s.getAlertKey());
        for (String target : inhibited) {
            recheck(target, at);
        }
    }

    /** Schedules the reminder and, if not yet escalated, the escalation, from {@code now}. */
    void schedule(AlertStatus s, CompiledRule rule, long now) {
        cancelTimers(s);
        if (rule.repeatIntervalMs() != null) {
            long due = TimeMath.plus(now, rule.repeatIntervalMs());
            s.setReminderDue(due);
            timers.put(TimerKeys.key(due, TimerKeys.Kind.REMINDER, s.getAlertKey()), PRESENT);
        }
        if (rule.escalateAfterMs() != null && !s.getEscalated()) {
            long due = TimeMath.plus(now, rule.escalateAfterMs());
            s.setEscalationDue(due);
            timers.put(TimerKeys.key(due, TimerKeys.Kind.ESCALATION, s.getAlertKey()), PRESENT);
        }
    }

    void cancelTimers(AlertStatus s) {
        if (s.getReminderDue() != null) {
            timers.delete(TimerKeys.key(s.getReminderDue(), TimerKeys.Kind.REMINDER, s.getAlertKey()));
            s.setReminderDue(null);
        }
        if (s.getEscalationDue() != null) {
            timers.delete(TimerKeys.key(s.getEscalationDue(), TimerKeys.Kind.ESCALATION, s.getAlertKey()));
            s.setEscalationDue(null);
        }
    }

    /** Forwards the event of a transition (and counts it in the alert's transition counts). */
    void emit(AlertStatus s, Transition transition, AlertState previous, Reason reason, String commandId, long at) {
        s.setUpdatedAt(at);
        Map<String, Integer> counts = new HashMap<>(s.getTransitionCounts());
        int occurrence = counts.getOrDefault(transition.name(), 0);
        counts.put(transition.name(), occurrence + 1);
        s.setTransitionCounts(counts);
        int number = transition == Transition.REMINDER ? s.getReminderNumber() : occurrence;
        CompiledRule rule = events.refresh(s);
        String suppressedBy = AlertEvents.policySuppression(transition, previous, rule);
        if (s.getShadow()) {
            // No silence, inhibition or notified-bookkeeping for a shadow alert: every verdict is
            // recorded as it is, and nothing about it can ever be released as a notification later.
            suppressedBy = NotifyPolicy.SHADOW;
        } else if (suppressedBy == null && NOTIFYING.contains(transition)) {
            suppressedBy = quiet(s, transition);
        }
        context.forward(new Record<>(s.getAlertKey(), events.event(s, transition, previous, reason, commandId, number,
                suppressedBy), at));
        counters.increment(Counter.EVENTS);
    }

    // ---- silences and inhibition ---------------------------------------------------------------

    /**
     * Whether a notifying transition of {@code s} stays quiet because of a silence or an inhibition,
     * and the bookkeeping that makes the alert notify when that ends: returns the
     * {@code suppressed_by} ({@code silence:<id>} or {@code inhibited-by:<alert key>}) or
     * {@code null}. A RESOLVED of an incident the receiver never heard of stays quiet too.
     */
    private String quiet(AlertStatus s, Transition transition) {
        String mute = muting(s, context.currentSystemTimeMs());
        if (mute != null) {
            counters.increment(mute.startsWith(SILENCED_BY) ? Counter.NOTIFICATIONS_SILENCED : Counter.NOTIFICATIONS_INHIBITED);
        }
        if (transition == Transition.RESOLVED) {
            String owed = s.getNotified() ? null : s.getMutedBy();
            s.setMutedBy(null);
            return mute != null ? mute : owed;
        }
        s.setMutedBy(mute);
        if (mute == null) {
            s.setNotified(true);
        }
        if (s.getState() != AlertState.RESOLVED) {
            markOpen(s);
        }
        return mute;
    }

    /**
     * The silence or inhibition that applies to {@code s} now, or {@code null}. A silence with an end
     * leaves a timer at that end; an inhibition registers the alert with its source, which looks at it
     * again when it resolves.
     */
    private String muting(AlertStatus s, long now) {
        Map<String, String> labels = matchLabels(s);
        ActiveSilence silence = silences.silencing(labels, now);
        if (silence != null) {
            if (silence.endsAt() != null) {
                timers.put(TimerKeys.key(silence.endsAt(), TimerKeys.Kind.UNMUTE, s.getAlertKey()), PRESENT);
            }
            return SILENCED_BY + silence.id();
        }
        for (CompiledRule source : ruleBook.inhibitors()) {
            // A source with 'by' alerts per series: the one beside the target is the source series with
            // the target's values of those tags (an implied 'equal' on them).
            String sourceKey = SeriesBy.alertKey(source, s.getInstanceId(), labels);
            if (sourceKey.equals(s.getAlertKey())) {
                continue;
            }
            AlertStatus src = null;
            for (CompiledRule.Inhibition inhibition : source.inhibitions()) {
                if (!inhibition.targets(labels)) {
                    continue;
                }
                if (src == null) {
                    src = states.get(sourceKey);
                    if (src == null || !(src.getState() == AlertState.FIRING || src.getState() == AlertState.ACKNOWLEDGED)) {
                        break;
                    }
                }
                if (inhibition.sameValues(src.getLabels(), labels)) {
                    register(src, s.getAlertKey());
                    return INHIBITED_BY + sourceKey;
                }
            }
        }
        return null;
    }

    /** Remembers on the inhibition source that it kept {@code targetKey} quiet (bounded). */
    private void register(AlertStatus source, String targetKey) {
        if (source.getInhibiting().contains(targetKey)) {
            return;
        }
        List<String> keys = new ArrayList<>(source.getInhibiting());
        keys.add(targetKey);
        if (keys.size() > INHIBITED_KEPT) {
            keys.remove(0);
        }
        source.setInhibiting(keys);
        states.put(source.getAlertKey(), source);
    }

    /**
     * Looks again at an alert a silence or an inhibition kept quiet (its silence ended, changed or was
     * deleted; its inhibition source resolved): still firing and nothing keeps it quiet any more → it
     * notifies now, as FIRED again with reason SILENCE_ENDED or INHIBITION_ENDED. An acknowledged
     * alert stays quiet (somebody owns it); a resolved one has nothing to say.
     */
    void recheck(String alertKey, long at) {
        AlertStatus s = states.get(alertKey);
        if (s == null || s.getMutedBy() == null || s.getState() != AlertState.FIRING) {
            return;
        }
        String was = s.getMutedBy();
        String mute = muting(s, context.currentSystemTimeMs());
        if (mute != null) {
            if (!mute.equals(was)) {
                s.setMutedBy(mute);
                markOpen(s);
                states.put(alertKey, s);
            }
            return;
        }
        counters.increment(Counter.NOTIFICATIONS_RELEASED);
        emit(s, Transition.FIRED, AlertState.FIRING, was.startsWith(SILENCED_BY) ? Reason.SILENCE_ENDED
                : Reason.INHIBITION_ENDED, null, at);
        states.put(alertKey, s);
    }

    /** The alerts a firing inhibition source kept quiet, looked at again (its rule changed). */
    void recheckInhibited(AlertStatus source, long at) {
        for (String target : List.copyOf(source.getInhibiting())) {
            recheck(target, at);
        }
    }

    /** Labels silences and inhibitions match: the alert's labels plus its effective severity. */
    private static Map<String, String> matchLabels(AlertStatus s) {
        Map<String, String> labels = new HashMap<>(s.getLabels());
        labels.putIfAbsent("instance_id", s.getInstanceId());
        labels.putIfAbsent("rule_id", s.getRuleId());
        labels.putIfAbsent("metric_name", s.getMetricName());
        labels.put("severity", Severities.effective(s).name().toLowerCase(Locale.ROOT));
        return labels;
    }

    /** The open-alert entry: what keeps it quiet (UTF-8), so silence changes find those alerts without decoding every state. */
    private void markOpen(AlertStatus s) {
        open.put(s.getAlertKey(), s.getMutedBy() == null ? PRESENT : s.getMutedBy().getBytes(StandardCharsets.UTF_8));
    }
}
