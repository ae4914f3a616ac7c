package com.gds.alerting.topologies;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import com.gds.alerting.avro.AlertCommand;
import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.CommandResult;
import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.RuleSettings;
import com.gds.alerting.avro.Silence;
import com.gds.alerting.avro.internal.AbsenceTrack;
import com.gds.alerting.avro.internal.AlertHistory;
import com.gds.alerting.avro.internal.AlertStatus;
import com.gds.alerting.avro.internal.SloStatus;
import com.gds.alerting.avro.serde.AvroClassTrust;
import com.gds.alerting.avro.serde.AvroSerdes;
import com.gds.alerting.contract.GdsTopics;
import com.gds.alerting.topologies.alert.AlertHistoryProcessor;
import com.gds.alerting.topologies.alert.AlertProcessor;
import com.gds.alerting.topologies.intake.CommandIntakeProcessor;
import com.gds.alerting.topologies.intake.DeadLetter;
import com.gds.alerting.topologies.intake.MetricIntakeProcessor;
import com.gds.alerting.topologies.intake.RuleIntakeProcessor;
import com.gds.alerting.topologies.intake.RuleTableProcessor;
import com.gds.alerting.topologies.intake.SettingsIntakeProcessor;
import com.gds.alerting.topologies.intake.SettingsTableProcessor;
import com.gds.alerting.topologies.rules.RuleBook;
import com.gds.alerting.topologies.slo.SloStateSerde;
import com.gds.alerting.topologies.serde.StoreSerde;
import com.gds.alerting.topologies.silences.SilenceBook;
import com.gds.alerting.topologies.silences.SilenceTableProcessor;

/**
 * The alerting topology, built from an {@link AlertingTopologyConfig} and nothing else.
 *
 * <pre>
 * gds.rules ──► rules-intake ──► gds.rules.accepted ──► (global) rules store + RuleBook
 *                    └──────────► gds.dlq.rules
 * gds.rule-settings ──► settings-intake ──► gds.rule-settings.accepted ──► (global) settings store + TenantBook
 *                    └──────────► gds.dlq.rules
 * gds.metrics.* ──► metrics-intake ──┐                       ┌──► gds.alerts.events (live rules)
 *                    └─► gds.dlq.metrics                      ├──► gds.alerts.shadow (shadow rules)
 * gds.alerts.commands ──► commands-intake ──► commands-by-instance (repartition) ──► alert-lifecycle
 *                    └─► gds.dlq.commands                     └──► gds.alerts.command-results
 * </pre>
 *
 * <p>Why a gate topic and a global table: every task must evaluate its metrics against every rule,
 * so the rule table is global (each instance reads all of it, and a {@link RuleBook} indexes it by
 * metric name and pinned instance). A global table cannot forward, so invalid updates are caught
 * one step earlier, by a partitioned intake that writes only valid rules to the accepted topic
 * and dead-letters the rest: an invalid update never overwrites the rule in force, even after
 * compaction or a state wipe. Alert state lives in the task that owns the instance's metrics
 * partition, so evaluation needs no repartition; commands, keyed by alert key, are re-keyed by
 * instance id through one repartition topic to reach that task.
 */
public final class AlertingTopology {

    /** Names of stores, internal topics and processors: fixed, so state survives topology changes. */
    public static final class Names {
        /** Global store: the accepted rules by rule id (values: {@link Rule}). */
        public static final String RULES_STORE = "rules";
        /** Global store: the silences by silence id (values: {@link Silence}). */
        public static final String SILENCES_STORE = "silences";
        public static final String SILENCES_SOURCE = "silences-source";
        public static final String SILENCE_TABLE = "silence-table";
        /** Alert state by alert key (values: {@link AlertStatus}). */
        public static final String ALERT_STATE_STORE = "alert-state";
        /** Open (pending, firing, acknowledged) alert keys. */
        public static final String ALERT_OPEN_STORE = "alert-open";
        /** The newest transitions of each alert key (values: {@link AlertHistory}), in the task of its state. */
        public static final String ALERT_HISTORY_STORE = "alert-history";
        public static final String ALERT_HISTORY = "alert-history-keeper";
        /** Transitions kept per alert key in {@link #ALERT_HISTORY_STORE}. */
        public static final int HISTORY_LIMIT = 100;
        /** Reminder, escalation and absence timers by due time. */
        public static final String ALERT_TIMERS_STORE = "alert-timers";
        /** Window rules: one aggregate per pane (hop) of each series, deleted once no window needs it. */
        public static final String WINDOW_PANES_STORE = "window-panes";
        /** Window rules: per alert key, the next window end to evaluate and the newest sample time. */
        public static final String WINDOW_PROGRESS_STORE = "window-progress";
        /**
         * SLO rules, for interactive queries ({@code GET /api/v1/slo/{ruleId}/{instanceId}}): key
         * {@code ruleId:instanceId} (rule ids hold no ':'; see {@code SloTracker.key}), value
         * {@link com.gds.alerting.avro.internal.SloStatus} — per window ({@code windows}, ascending,
         * the period last) the events, bad events, SLI, burn rate and how much history covers it, and
         * {@code error_budget_remaining} over the period, all as of {@code updated_at} (event time of
         * the newest sample counted). Partitioned like the metrics (by instance id): query it with the
         * instance id as the key for {@code queryMetadataForKey}.
         */
        public static final String SLO_STORE = "slo-state";
        /** Absence rules: the series tracked, by alert key (values: {@link com.gds.alerting.avro.internal.AbsenceTrack}). */
        public static final String ABSENCE_STORE = "absence-tracking";
        /**
         * Anomaly rules: the learned baseline of each series, by alert key (values: the byte layout of
         * {@link com.gds.alerting.topologies.anomaly.Baseline}, fixed size per algorithm and seasonality).
         */
        public static final String ANOMALY_BASELINE_STORE = "anomaly-baselines";
        /** Forecast rules: each series' samples in the trend window, by alert key ({@link com.gds.alerting.topologies.anomaly.TrendWindow}). */
        public static final String FORECAST_WINDOW_STORE = "forecast-windows";
        /**
         * EXPR rules: per instance, the raw samples of each series an EXPR rule's selectors read (over the
         * longest window a selector needs) and the instance's collection instant in progress; string keys
         * {@code s<instance>\0<metric>\0<labels>} and {@code i<instance>} (topologies/README.md, "Expression
         * rules"). Partitioned like the metrics, by instance id.
         */
        public static final String EXPR_SERIES_STORE = "expr-series";
        /** Repartition of commands by instance id: topic {@code <application.id>-commands-by-instance-repartition}. */
        public static final String COMMANDS_REPARTITION = "commands-by-instance";
        public static final String RULES_SOURCE = "rules-source";
        public static final String RULES_INTAKE = "rules-intake";
        public static final String RULES_ACCEPTED_SOURCE = "rules-accepted-source";
        public static final String RULE_TABLE = "rule-table";
        public static final String METRICS_SOURCE = "metrics-source";
        public static final String METRICS_INTAKE = "metrics-intake";
        public static final String COMMANDS_SOURCE = "commands-source";
        public static final String COMMANDS_INTAKE = "commands-intake";
        public static final String ALERT_LIFECYCLE = "alert-lifecycle";
        /** Global store: the accepted platform and tenant settings by scope key (values: {@link RuleSettings}). */
        public static final String SETTINGS_STORE = "rule-settings";
        public static final String SETTINGS_SOURCE = "settings-source";
        public static final String SETTINGS_INTAKE = "settings-intake";
        public static final String SETTINGS_ACCEPTED_SOURCE = "settings-accepted-source";
        public static final String SETTINGS_TABLE = "settings-table";

        private Names() {
        }
    }

    static {
        AvroClassTrust.install();
    }

    private final Topology topology;
    private final RuleBook ruleBook;
    private final SilenceBook silenceBook;
    private final AlertingCounters counters;

    private AlertingTopology(Topology topology, RuleBook ruleBook, SilenceBook silenceBook, AlertingCounters counters) {
        this.topology = topology;
        this.ruleBook = ruleBook;
        this.silenceBook = silenceBook;
        this.counters = counters;
    }

    /**
     * The Streams settings every host of this topology must use: exactly-once v2, explicit names
     * for every internal resource (an unnamed one fails at start), and corrupt records on the
     * internal topics logged and skipped (the user-facing inputs are decoded by the intake
     * processors, which dead-letter instead), and RocksDB's memory bounded for the whole process
     * ({@link BoundedRocksDbMemory}, sized by {@value BoundedRocksDbMemory#MEMORY_CONFIG}), and a task
     * that never idles waiting for an empty input partition ({@code max.task.idle.ms=-1}).
     */
    public static Map<String, Object> requiredStreamsConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        config.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        config.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        config.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        config.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
        // Nothing here relies on timestamp order across a task's partitions: every event-time decision is per
        // alert key, whose samples all come from one partition (the instance's), in that partition's order; a
        // command applies to the state it finds, guarded by its incident. The default (0) only waits for data
        // already on the broker, and its check formats a log line per empty partition on every record
        // (Kafka 4.3.1 PartitionGroup.readyToProcess) — 20% of the stream thread here, whose commands
        // partition is nearly always empty. topologies/README.md, "Ordering across a task's inputs".
        config.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        return config;
    }

    /** Builds the topology; each call has its own {@link RuleBook} and counters. */
    public static AlertingTopology build(AlertingTopologyConfig config) {
        RuleBook ruleBook = new RuleBook();
        SilenceBook silenceBook = new SilenceBook();
        AlertingCounters counters = new AlertingCounters();
        GdsTopics topics = config.topics();
        Map<String, ?> serdeConfig = config.serdeConfig();
        Serde<Rule> ruleSerde = AvroSerdes.valueSerde(Rule.class, serdeConfig);
        Serde<Metric> metricSerde = AvroSerdes.valueSerde(Metric.class, serdeConfig);
        Serde<AlertCommand> commandSerde = AvroSerdes.valueSerde(AlertCommand.class, serdeConfig);
        Serde<AlertEvent> eventSerde = AvroSerdes.valueSerde(AlertEvent.class, serdeConfig);
        Serde<CommandResult> resultSerde = AvroSerdes.valueSerde(CommandResult.class, serdeConfig);

        StreamsBuilder builder = new StreamsBuilder();

        KStream<Object, Object> rules = builder
                .stream(topics.rules(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(Names.RULES_SOURCE))
                .process(() -> new RuleIntakeProcessor(Names.RULES_INTAKE, ruleSerde.deserializer(), counters),
                        Named.as(Names.RULES_INTAKE));
        withoutDeadLetters(rules, "rules", topics.dlqRules())
                .to(topics.rulesAccepted(), Produced.with(cast(Serdes.String()), cast(ruleSerde)).withName("rules-accepted-sink"));

        Serde<RuleSettings> settingsSerde = AvroSerdes.valueSerde(RuleSettings.class, serdeConfig);
        KStream<Object, Object> settingsIntake = builder
                .stream(topics.ruleSettings(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(Names.SETTINGS_SOURCE))
                .process(() -> new SettingsIntakeProcessor(Names.SETTINGS_INTAKE, settingsSerde.deserializer(), ruleBook.tenants(), counters),
                        Named.as(Names.SETTINGS_INTAKE));
        withoutDeadLetters(settingsIntake, "settings", topics.dlqRules())
                .to(topics.ruleSettingsAccepted(), Produced.with(cast(Serdes.String()), cast(settingsSerde))
                        .withName("settings-accepted-sink"));

        KStream<Object, Object> metrics = withoutDeadLetters(builder
                .stream(topics.metricsPattern(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(Names.METRICS_SOURCE))
                .process(() -> new MetricIntakeProcessor(Names.METRICS_INTAKE, topics.metricsPrefix(), metricSerde.deserializer(),
                        counters, config.maxClockSkew()), Named.as(Names.METRICS_INTAKE)), "metrics", topics.dlqMetrics());

        Repartitioned<Object, Object> byInstance = Repartitioned.as(Names.COMMANDS_REPARTITION)
                .withKeySerde(cast(Serdes.String()))
                .withValueSerde(cast(commandSerde));
        if (config.commandPartitions() != null) {
            byInstance = byInstance.withNumberOfPartitions(config.commandPartitions());
        }
        KStream<Object, Object> commands = withoutDeadLetters(builder
                .stream(topics.commands(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(Names.COMMANDS_SOURCE))
                .process(() -> new CommandIntakeProcessor(Names.COMMANDS_INTAKE, commandSerde.deserializer(), counters),
                        Named.as(Names.COMMANDS_INTAKE)), "commands", topics.dlqCommands())
                .repartition(byInstance);

        AlertProcessor.AlertProcessorSettings settings = new AlertProcessor.AlertProcessorSettings(Names.ALERT_STATE_STORE,
                Names.ALERT_OPEN_STORE, Names.ALERT_TIMERS_STORE, Names.WINDOW_PANES_STORE, Names.WINDOW_PROGRESS_STORE,
                Names.SLO_STORE, Names.ABSENCE_STORE, Names.ANOMALY_BASELINE_STORE, Names.FORECAST_WINDOW_STORE,
                config.punctuationInterval(), config.maxTimersPerTick(), config.absenceRetention(), config.resolvedRetention(),
                Names.EXPR_SERIES_STORE);
        KStream<Object, Object> outputs = metrics.merge(commands, Named.as("alert-inputs"))
                .process(new AlertLifecycleSupplier(config.storeKind(), settings, ruleBook, silenceBook, counters),
                        Named.as(Names.ALERT_LIFECYCLE));
        // A null value is an alert state deleted by the resolved retention: its history goes too.
        Map<String, KStream<Object, Object>> byType = outputs.split(Named.as("alert-outputs-"))
                .branch((key, value) -> value == null, Branched.as("expired"))
                .branch((key, value) -> value instanceof AlertEvent, Branched.as("events"))
                .defaultBranch(Branched.as("command-results"));
        KStream<Object, Object> events = byType.get("alert-outputs-events");
        // Shadow rules' transitions never reach the events topic, which the notification dispatcher reads.
        Map<String, KStream<Object, Object>> byRole = events.split(Named.as("alert-events-"))
                .branch((key, value) -> ((AlertEvent) value).getShadow(), Branched.as("shadow"))
                .defaultBranch(Branched.as("live"));
        byRole.get("alert-events-live")
                .to(topics.events(), Produced.with(cast(Serdes.String()), cast(eventSerde)).withName("events-sink"));
        byRole.get("alert-events-shadow")
                .to(topics.shadowEvents(), Produced.with(cast(Serdes.String()), cast(eventSerde)).withName("shadow-events-sink"));
        events.merge(byType.get("alert-outputs-expired"), Named.as("alert-history-input"))
                .process(new HistorySupplier(config.storeKind()), Named.as(Names.ALERT_HISTORY));
        byType.get("alert-outputs-command-results")
                .to(topics.commandResults(), Produced.with(cast(Serdes.String()), cast(resultSerde)).withName("command-results-sink"));

        Topology topology = builder.build();
        topology.addGlobalStore(
                Stores.keyValueStoreBuilder(supplier(config.storeKind(), Names.RULES_STORE), Serdes.String(), StoreSerde.of(Rule.class))
                        .withLoggingDisabled(),
                Names.RULES_ACCEPTED_SOURCE, Serdes.String().deserializer(), ruleSerde.deserializer(), topics.rulesAccepted(),
                Names.RULE_TABLE, () -> new RuleTableProcessor(Names.RULES_STORE, ruleBook, counters));
        topology.addGlobalStore(
                Stores.keyValueStoreBuilder(supplier(config.storeKind(), Names.SETTINGS_STORE), Serdes.String(),
                        StoreSerde.of(RuleSettings.class)).withLoggingDisabled(),
                Names.SETTINGS_ACCEPTED_SOURCE, Serdes.String().deserializer(), settingsSerde.deserializer(),
                topics.ruleSettingsAccepted(), Names.SETTINGS_TABLE,
                () -> new SettingsTableProcessor(Names.SETTINGS_STORE, ruleBook.tenants(), counters));
        Serde<Silence> silenceSerde = AvroSerdes.valueSerde(Silence.class, serdeConfig);
        topology.addGlobalStore(
                Stores.keyValueStoreBuilder(supplier(config.storeKind(), Names.SILENCES_STORE), Serdes.String(),
                        StoreSerde.of(Silence.class)).withLoggingDisabled(),
                Names.SILENCES_SOURCE, Serdes.String().deserializer(), silenceSerde.deserializer(), topics.silences(),
                Names.SILENCE_TABLE, () -> new SilenceTableProcessor(Names.SILENCES_STORE, silenceBook));
        return new AlertingTopology(topology, ruleBook, silenceBook, counters);
    }

    /** Sends the {@link DeadLetter}s of an intake to {@code dlqTopic}; returns the rest. */
    private static KStream<Object, Object> withoutDeadLetters(KStream<Object, Object> intake, String prefix, String dlqTopic) {
        Map<String, KStream<Object, Object>> branches = intake.split(Named.as(prefix + "-"))
                .branch((key, value) -> value instanceof DeadLetter, Branched.as("dead"))
                .defaultBranch(Branched.as("ok"));
        branches.get(prefix + "-dead")
                .map((key, value) -> KeyValue.pair(((DeadLetter) value).key(), ((DeadLetter) value).value()),
                        Named.as(prefix + "-dead-letter"))
                .to(dlqTopic, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(prefix + "-dlq-sink"));
        return branches.get(prefix + "-ok");
    }

    private static KeyValueBytesStoreSupplier supplier(StoreKind kind, String name) {
        return kind == StoreKind.PERSISTENT ? Stores.persistentKeyValueStore(name) : Stores.inMemoryKeyValueStore(name);
    }

    @SuppressWarnings("unchecked")
    private static <T> Serde<T> cast(Serde<?> serde) {
        return (Serde<T>) serde;
    }

    public Topology topology() {
        return topology;
    }

    /** The rule index this topology's global processor maintains (read-only use). */
    public RuleBook ruleBook() {
        return ruleBook;
    }

    /** The silences in force, as the global silence table holds them (read-only use). */
    public SilenceBook silenceBook() {
        return silenceBook;
    }

    public AlertingCounters counters() {
        return counters;
    }

    /** The history keeper with its store. */
    private record HistorySupplier(StoreKind kind) implements ProcessorSupplier<Object, Object, Object, Object> {

        @Override
        public Processor<Object, Object, Object, Object> get() {
            return new AlertHistoryProcessor(Names.ALERT_HISTORY_STORE, Names.HISTORY_LIMIT);
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            return Set.of(Stores.keyValueStoreBuilder(supplier(kind, Names.ALERT_HISTORY_STORE), Serdes.String(),
                    StoreSerde.of(AlertHistory.class)));
        }
    }

    /** Declares the lifecycle processor's stores with it ({@code ConnectedStoreProvider}). */
    private record AlertLifecycleSupplier(StoreKind kind, AlertProcessor.AlertProcessorSettings settings, RuleBook ruleBook,
                                          SilenceBook silenceBook, AlertingCounters counters)
            implements ProcessorSupplier<Object, Object, Object, Object> {

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public Processor<Object, Object, Object, Object> get() {
            return (Processor) new AlertProcessor(settings, ruleBook, silenceBook, counters);
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            StoreBuilder<?> state = Stores.keyValueStoreBuilder(supplier(kind, settings.stateStore()), Serdes.String(),
                    StoreSerde.of(AlertStatus.class)).withCachingEnabled();
            StoreBuilder<?> open = Stores.keyValueStoreBuilder(supplier(kind, settings.openStore()), Serdes.String(),
                    Serdes.ByteArray());
            StoreBuilder<?> timers = Stores.keyValueStoreBuilder(supplier(kind, settings.timerStore()), Serdes.Bytes(),
                    Serdes.ByteArray());
            StoreBuilder<?> panes = Stores.keyValueStoreBuilder(supplier(kind, settings.windowPanesStore()), Serdes.Bytes(),
                    Serdes.ByteArray()).withCachingEnabled();
            StoreBuilder<?> progress = Stores.keyValueStoreBuilder(supplier(kind, settings.windowProgressStore()),
                    Serdes.String(), Serdes.ByteArray()).withCachingEnabled();
            StoreBuilder<?> slo = Stores.keyValueStoreBuilder(supplier(kind, settings.sloStore()), Serdes.String(),
                    new SloStateSerde()).withCachingEnabled();
            StoreBuilder<?> absence = Stores.keyValueStoreBuilder(supplier(kind, settings.absenceStore()), Serdes.String(),
                    StoreSerde.of(AbsenceTrack.class)).withCachingEnabled();
            StoreBuilder<?> baselines = Stores.keyValueStoreBuilder(supplier(kind, settings.anomalyBaselineStore()),
                    Serdes.String(), Serdes.ByteArray()).withCachingEnabled();
            StoreBuilder<?> forecasts = Stores.keyValueStoreBuilder(supplier(kind, settings.forecastWindowStore()),
                    Serdes.String(), Serdes.ByteArray()).withCachingEnabled();
            StoreBuilder<?> expr = Stores.keyValueStoreBuilder(supplier(kind, settings.exprSeriesStore()), Serdes.String(),
                    Serdes.ByteArray()).withCachingEnabled();
            return Set.of(state, open, timers, panes, progress, slo, absence, baselines, forecasts, expr);
        }
    }
}
