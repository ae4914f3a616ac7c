package com.gds.alerting.topologies.alert;

import java.time.Duration;
import java.util.List;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.gds.alerting.avro.AlertCommand;
import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.RuleKind;
import com.gds.alerting.topologies.AlertingCounters;
import com.gds.alerting.topologies.AlertingCounters.Counter;
import com.gds.alerting.topologies.absence.AbsenceTracker;
import com.gds.alerting.topologies.rules.CompiledRule;
import com.gds.alerting.topologies.rules.RuleBook;
import com.gds.alerting.topologies.rules.Series;
import com.gds.alerting.topologies.silences.SilenceBook;
import com.gds.alerting.topologies.slo.SloTracker;
import com.gds.alerting.topologies.window.WindowAggregator;

/**
 * The {@code alert-lifecycle} processor: routes each input and each wall-clock tick to the part whose job
 * it is (topologies/README.md, "Parts of the lifecycle processor"), and holds nothing else.
 * <ul>
 *   <li>a metric → the {@link RuleKindEvaluator} of each rule that selects its series, by the rule's kind
 *       ({@link RuleKindEvaluators}: {@link ThresholdEvaluator}, {@link WindowEvaluator}, {@link SloEvaluator},
 *       {@link AbsenceEvaluator}, {@link AnomalyEvaluator}, {@link ForecastEvaluator}, {@link ExprRuleEvaluator}), which reach a
 *       {@link Verdict} and feed it to the one {@link AlertLifecycle};</li>
 *   <li>an operator command → {@link CommandHandler};</li>
 *   <li>a tick, in this order → {@link RuleReconciler} (rules changed), {@link SilenceReconciler} (silences
 *       changed), {@link RetentionSweep} (resolved alerts past the retention), {@link TimerHandler} (reminders,
 *       escalation, unmute, absence timers).</li>
 * </ul>
 * Every transition is forwarded as an {@code AlertEvent} keyed by alert key; every command gets a
 * {@code CommandResult}; a deleted state a tombstone.
 *
 * <p>Stores: the alert state by alert key (through {@link AlertStates}, whose in-memory index of the keys
 * with a state is rebuilt here in {@code init}, after restore); the open alerts by alert key (prefix-scanned by rule
 * id when a rule changes); the timers by due time; window panes and progress
 * ({@link WindowAggregator}); SLO state by {@code ruleId:instanceId} ({@link SloTracker}); the
 * series absence rules track ({@link AbsenceTracker}); anomaly baselines and forecast windows by alert key
 * ({@link AnomalyEvaluator}, {@link ForecastEvaluator}). Late samples are ignored and counted.
 */
public final class AlertProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(AlertProcessor.class);

    private final AlertProcessorSettings settings;
    private final RuleBook ruleBook;
    private final SilenceBook silenceBook;
    private final AlertingCounters counters;
    private RuleKindEvaluators evaluators;
    private CommandHandler commands;
    private RuleReconciler rules;
    private SilenceReconciler silences;
    private RetentionSweep retention;
    private TimerHandler timers;

    public AlertProcessor(AlertProcessorSettings settings, RuleBook ruleBook, SilenceBook silenceBook, AlertingCounters counters) {
        this.settings = settings;
        this.ruleBook = ruleBook;
        this.silenceBook = silenceBook;
        this.counters = counters;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        AlertLifecycle lifecycle = new AlertLifecycle(context, context.getStateStore(settings.stateStore()),
                context.getStateStore(settings.openStore()), context.getStateStore(settings.timerStore()), ruleBook,
                silenceBook, counters, settings.resolvedRetention().toMillis());
        // init runs after the stores were restored (also after a task was revived under exactly-once).
        int states = lifecycle.states().rebuild();
        LOG.debug("task {}: {} alert states indexed", context.taskId(), states);
        AbsenceEvaluator absence = new AbsenceEvaluator(context, lifecycle,
                new AbsenceTracker(context.getStateStore(settings.absenceStore())), ruleBook, counters,
                settings.absenceRetention());
        // One line per rule kind.
        this.evaluators = new RuleKindEvaluators()
                .register(RuleKind.THRESHOLD, new ThresholdEvaluator(lifecycle))
                .register(RuleKind.WINDOW, new WindowEvaluator(lifecycle, new WindowAggregator(
                        context.getStateStore(settings.windowPanesStore()), context.getStateStore(settings.windowProgressStore())),
                        counters))
                .register(RuleKind.SLO, new SloEvaluator(lifecycle, new SloTracker(context.getStateStore(settings.sloStore())),
                        counters))
                .register(RuleKind.ABSENCE, absence)
                .register(RuleKind.ANOMALY, new AnomalyEvaluator(lifecycle, context.getStateStore(settings.anomalyBaselineStore()),
                        counters))
                .register(RuleKind.FORECAST, new ForecastEvaluator(lifecycle,
                        context.getStateStore(settings.forecastWindowStore()), counters))
                .register(RuleKind.EXPR, new ExprRuleEvaluator(context.getStateStore(settings.exprSeriesStore()), lifecycle,
                        ruleBook, counters));
        this.commands = new CommandHandler(context, lifecycle, ruleBook, counters);
        this.rules = new RuleReconciler(lifecycle, ruleBook, evaluators);
        this.silences = new SilenceReconciler(lifecycle, silenceBook);
        this.retention = new RetentionSweep(context, lifecycle, counters);
        this.timers = new TimerHandler(lifecycle, ruleBook, absence, settings.maxTimersPerTick());
        context.schedule(settings.punctuationInterval(), PunctuationType.WALL_CLOCK_TIME, this::tick);
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        if (record.value() instanceof Metric metric) {
            onMetric(metric);
        } else if (record.value() instanceof AlertCommand command) {
            commands.onCommand(command);
        } else {
            throw new IllegalArgumentException("unexpected input " + (record.value() == null ? "null" : record.value().getClass()));
        }
    }

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
        evaluators.of(rule.kind()).onSample(rule, series, value, ts);
    }

    private void tick(long now) {
        rules.reconcile(now);
        silences.reconcile(now);
        retention.sweep(now);
        timers.fireDue(now);
    }

    /**
     * Everything the processor needs besides the rule book: store names, tick settings, how long
     * an absence rule remembers a silent instance when the rule does not say, and how long a resolved
     * alert's state is kept.
     */
    public record AlertProcessorSettings(String stateStore, String openStore, String timerStore, String windowPanesStore,
                                         String windowProgressStore, String sloStore, String absenceStore,
                                         String anomalyBaselineStore, String forecastWindowStore,
                                         Duration punctuationInterval, int maxTimersPerTick, Duration absenceRetention,
                                         Duration resolvedRetention, String exprSeriesStore) {
    }
}
