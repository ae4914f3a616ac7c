package com.gds.alerting.service.query;

import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.UnknownStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.uri.UriBuilder;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.RuleKind;
import com.gds.alerting.avro.internal.AlertStatus;
import com.gds.alerting.avro.internal.AlertHistory;
import com.gds.alerting.avro.internal.SloStatus;
import com.gds.alerting.contract.AlertKeys;
import com.gds.alerting.service.api.AlertPage;
import com.gds.alerting.service.api.AlertView;
import com.gds.alerting.service.api.BaselineView;
import com.gds.alerting.service.api.EventView;
import com.gds.alerting.service.api.SloPage;
import com.gds.alerting.service.api.SloView;
import com.gds.alerting.service.streams.AlertingSettings;
import com.gds.alerting.topologies.AlertingTopology;
import com.gds.alerting.topologies.alert.Severities;

/**
 * Answers alert queries from any instance: reads this instance's stores, forwards a per-key
 * query to the owner (or, if it does not answer, reads a standby and says the answer may be
 * stale), and fans a list out to every instance and merges.
 */
@Singleton
public class AlertQueries {

    /** Query parameter that makes an instance answer from its own stores only. */
    public static final String LOCAL = "local";
    /** Query parameter that lets an instance answer from a standby replica. */
    public static final String STALE_OK = "stale_ok";

    private static final Logger LOG = LoggerFactory.getLogger(AlertQueries.class);

    private final KafkaStreams streams;
    private final AlertLocator locator;
    private final AlertingSettings settings;
    private final ForwardingClients clients;
    private final ExecutorService fanOut = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "alert-query-fan-out");
        t.setDaemon(true);
        return t;
    });

    public AlertQueries(KafkaStreams streams, AlertLocator locator, AlertingSettings settings, ForwardingClients clients) {
        this.streams = streams;
        this.locator = locator;
        this.settings = settings;
        this.clients = clients;
    }

    @PreDestroy
    void close() {
        fanOut.shutdownNow();
    }

    /**
     * One page of every instance's alerts matching {@code filter}, in {@code order}. Each instance
     * is asked only for its own first {@code offset + limit} (and its counts), so a page costs the
     * page, not the fleet's alert count.
     */
    public AlertPage page(AlertFilter filter, AlertOrder order, int offset, int limit, HttpRequest<?> original) {
        int top = offset + limit;
        List<CompletableFuture<AlertPage>> parts = new ArrayList<>();
        for (HostInfo host : locator.hosts()) {
            if (locator.isSelf(host)) {
                parts.add(CompletableFuture.completedFuture(localPage(filter, order, top)));
            } else {
                parts.add(CompletableFuture.supplyAsync(() -> remotePage(host, filter, order, top, original), fanOut));
            }
        }
        List<AlertView> merged = new ArrayList<>();
        int total = 0;
        AlertFilter.Compiled f = filter.compile();
        Map<String, Integer> states = zeroStates(f);
        Map<String, Integer> severities = zeroSeverities();
        for (CompletableFuture<AlertPage> part : parts) {
            AlertPage page = await(part);
            merged.addAll(page.items());
            total += page.total();
            addAll(states, page.stateCounts());
            addAll(severities, page.severityCounts());
        }
        merged.sort(order.comparator());
        List<AlertView> items = merged.subList(Math.min(offset, merged.size()), Math.min(top, merged.size()));
        return new AlertPage(List.copyOf(items), total, offset, limit, states, severities);
    }

    /**
     * A zero for every state the query reads: the open states always, {@code RESOLVED} only when
     * the query asks for it (only then are resolved alerts read, and counted).
     */
    private static Map<String, Integer> zeroStates(AlertFilter.Compiled f) {
        Map<String, Integer> zeros = new TreeMap<>();
        for (AlertState state : AlertState.values()) {
            if (state != AlertState.RESOLVED || f.states().contains(AlertState.RESOLVED.name())) {
                zeros.put(state.name(), 0);
            }
        }
        return zeros;
    }

    private static Map<String, Integer> zeroSeverities() {
        Map<String, Integer> zeros = new TreeMap<>();
        AlertFilter.allowedSeverities().forEach(s -> zeros.put(s, 0));
        return zeros;
    }

    private static void addAll(Map<String, Integer> into, Map<String, Integer> counts) {
        if (counts != null) {
            counts.forEach((k, v) -> into.merge(k, v, Integer::sum));
        }
    }

    /**
     * This instance's first {@code top} alerts matching {@code filter} (active tasks only, so
     * nothing is counted twice), with how many match in all and the per-state and per-severity
     * counts. A list of open states (the default) reads the open alerts only — the keys of
     * {@code alert-open}, each looked up in {@code alert-state} — so its cost is the open alerts,
     * not the resolved ones the store keeps for the retention; its {@code state_counts} then have no
     * RESOLVED entry. Every other state and every severity has a count, zeros included. Only a query that asks for RESOLVED scans the whole state store.
     */
    public AlertPage localPage(AlertFilter filter, AlertOrder order, int top) {
        AlertFilter.Compiled f = filter.compile();
        List<AlertView> matches = new ArrayList<>();
        Map<String, Integer> states = zeroStates(f);
        Map<String, Integer> severities = zeroSeverities();
        Consumer<AlertStatus> count = s -> {
            if (!f.matchesBase(s)) {
                return;
            }
            boolean stateOk = f.matchesState(s);
            boolean severityOk = f.matchesSeverity(s);
            if (severityOk) {
                states.merge(s.getState().name(), 1, Integer::sum);
            }
            if (stateOk) {
                severities.merge(Severities.effective(s).name(), 1, Integer::sum);
            }
            if (stateOk && severityOk) {
                matches.add(AlertView.of(s, false));
            }
        };
        try {
            if (f.states().contains(AlertState.RESOLVED.name())) {
                forEachAlert(count);
            } else {
                forEachOpenAlert(count);
            }
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
        matches.sort(order.comparator());
        return new AlertPage(List.copyOf(matches.subList(0, Math.min(top, matches.size()))), matches.size(), 0, top,
                states, severities);
    }

    /** Every alert state of this instance's active tasks, resolved ones included. */
    private void forEachAlert(Consumer<AlertStatus> action) {
        try (KeyValueIterator<String, AlertStatus> it = store(false).all()) {
            while (it.hasNext()) {
                action.accept(it.next().value);
            }
        }
    }

    /**
     * The open (pending, firing, acknowledged) alerts of this instance's active tasks: the keys of
     * the open store, each looked up in the state store. A key whose state resolved between the two
     * reads is left out, as it would be a moment later.
     */
    private void forEachOpenAlert(Consumer<AlertStatus> action) {
        ReadOnlyKeyValueStore<String, AlertStatus> stateStore = store(false);
        try (KeyValueIterator<String, byte[]> it = streams.store(StoreQueryParameters.fromNameAndType(
                AlertingTopology.Names.ALERT_OPEN_STORE, QueryableStoreTypes.<String, byte[]>keyValueStore())).all()) {
            while (it.hasNext()) {
                AlertStatus s = stateStore.get(it.next().key);
                if (s != null && s.getState() != AlertState.RESOLVED) {
                    action.accept(s);
                }
            }
        }
    }

    /**
     * One alert, from whichever instance owns it.
     *
     * @param staleOk whether this instance may answer from a standby (set on a forwarded request)
     */
    public AlertView one(String alertKey, boolean staleOk, HttpRequest<?> original) {
        return fromOwner(alertKey, staleOk, original, this::localOne, stale -> path(alertKey, "", stale),
                Argument.of(AlertView.class), AlertView::asStale);
    }

    /** The newest transitions of one alert (oldest first), from whichever instance owns it. */
    public List<EventView> history(String alertKey, boolean staleOk, HttpRequest<?> original) {
        return fromOwner(alertKey, staleOk, original, this::localHistory, stale -> path(alertKey, "/history", stale),
                Argument.listOf(EventView.class), UnaryOperator.identity());
    }

    /**
     * What an ANOMALY or FORECAST rule has learned about the series of {@code alertKey} (its baseline or
     * trend window), from the instance that owns it (the stores live with the alert state). 404 for a key
     * whose rule is unknown or of another kind, or whose series has no baseline yet.
     */
    public BaselineView baseline(String alertKey, boolean staleOk, HttpRequest<?> original) {
        AlertKeys.Parts parts = AlertKeys.parse(alertKey);
        if (parts != null) {
            baselineRule(parts.ruleId());
        }
        return fromOwner(alertKey, staleOk, original, this::localBaseline, stale -> path(alertKey, "/baseline", stale),
                Argument.of(BaselineView.class), BaselineView::asStale);
    }

    /** The rule of a baseline query: an ANOMALY or FORECAST rule of the rule table, else a 404 saying why. */
    private Rule baselineRule(String ruleId) {
        Rule rule;
        try {
            rule = streams.store(StoreQueryParameters.fromNameAndType(AlertingTopology.Names.RULES_STORE,
                    QueryableStoreTypes.<String, Rule>keyValueStore())).get(ruleId);
        } catch (InvalidStateStoreException e) {
            throw new StateMigratingException("the rule table is loading: " + e.getMessage(), e);
        }
        if (rule == null) {
            throw new NotFoundException("no rule has id '" + ruleId + "'");
        }
        if (rule.getKind() != RuleKind.ANOMALY && rule.getKind() != RuleKind.FORECAST) {
            throw new NotFoundException("rule '" + ruleId + "' is a " + rule.getKind()
                    + " rule: only ANOMALY and FORECAST rules keep a baseline");
        }
        return rule;
    }

    private BaselineView localBaseline(String alertKey, boolean stale) {
        Rule rule = baselineRule(AlertKeys.parse(alertKey).ruleId());
        boolean anomaly = rule.getKind() == RuleKind.ANOMALY;
        byte[] bytes;
        try {
            StoreQueryParameters<ReadOnlyKeyValueStore<String, byte[]>> parameters = StoreQueryParameters.fromNameAndType(
                    anomaly ? AlertingTopology.Names.ANOMALY_BASELINE_STORE : AlertingTopology.Names.FORECAST_WINDOW_STORE,
                    QueryableStoreTypes.keyValueStore());
            bytes = streams.store(stale ? parameters.enableStaleStores() : parameters).get(alertKey);
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
        if (bytes == null) {
            throw new NotFoundException("no " + (anomaly ? "baseline" : "forecast window") + " for '" + alertKey
                    + "': the rule has seen no sample of that series");
        }
        try {
            return anomaly ? BaselineView.anomaly(alertKey, rule, bytes, stale) : BaselineView.forecast(alertKey, rule, bytes, stale);
        } catch (IllegalArgumentException e) {
            LOG.warn("the stored {} of {} is not usable: {}", anomaly ? "baseline" : "forecast window", alertKey, e.getMessage());
            throw new NotFoundException("no usable " + (anomaly ? "baseline" : "forecast window") + " for '" + alertKey
                    + "': " + e.getMessage());
        }
    }

    /** An SLO rule's figures for one instance, from the instance that owns it (the SLO state lives with the metrics). */
    public SloView slo(String ruleId, String instanceId, boolean staleOk, HttpRequest<?> original) {
        String locatingKey = AlertKeys.of(ruleId, instanceId, "slo");
        return fromOwner(locatingKey, staleOk, original, (key, stale) -> localSlo(ruleId, instanceId, stale),
                stale -> sloPath(ruleId, instanceId, stale), Argument.of(SloView.class), SloView::asStale);
    }

    /** Least error budget left first (none computed yet last), then rule and instance. */
    private static final Comparator<SloView> SLO_ORDER = Comparator
            .comparing(SloView::errorBudgetRemaining, Comparator.nullsLast(Comparator.<Double>naturalOrder()))
            .thenComparing(SloView::ruleId).thenComparing(SloView::instanceId);

    /**
     * One page of the SLO figures of every (SLO rule, instance) the topology tracks, the least
     * error budget left first; filtered by rule id and by a case-insensitive substring of the
     * instance id. Fans out like {@link #page}.
     */
    public SloPage sloPage(String ruleId, String instanceQuery, int offset, int limit, HttpRequest<?> original) {
        int top = offset + limit;
        List<CompletableFuture<SloPage>> parts = new ArrayList<>();
        for (HostInfo host : locator.hosts()) {
            if (locator.isSelf(host)) {
                parts.add(CompletableFuture.completedFuture(localSloPage(ruleId, instanceQuery, top)));
            } else {
                parts.add(CompletableFuture.supplyAsync(() -> {
                    UriBuilder uri = UriBuilder.of("/api/v1/slo").queryParam(LOCAL, "true").queryParam("limit", Integer.toString(top));
                    if (ruleId != null) {
                        uri.queryParam("rule_id", ruleId);
                    }
                    if (instanceQuery != null) {
                        uri.queryParam("q", instanceQuery);
                    }
                    return forward(host, uri.build(), original, Argument.of(SloPage.class));
                }, fanOut));
            }
        }
        List<SloView> merged = new ArrayList<>();
        int total = 0;
        for (CompletableFuture<SloPage> part : parts) {
            SloPage page = await(part);
            merged.addAll(page.items());
            total += page.total();
        }
        merged.sort(SLO_ORDER);
        return new SloPage(List.copyOf(merged.subList(Math.min(offset, merged.size()), Math.min(top, merged.size()))), total,
                offset, limit);
    }

    /** This instance's first {@code top} SLO figures (active tasks only), with how many match in all. */
    public SloPage localSloPage(String ruleId, String instanceQuery, int top) {
        String q = instanceQuery == null || instanceQuery.isBlank() ? null : instanceQuery.trim().toLowerCase(Locale.ROOT);
        List<SloView> matches = new ArrayList<>();
        try (KeyValueIterator<String, SloStatus> it = streams.store(StoreQueryParameters.fromNameAndType(
                AlertingTopology.Names.SLO_STORE, QueryableStoreTypes.<String, SloStatus>keyValueStore())).all()) {
            while (it.hasNext()) {
                SloStatus s = it.next().value;
                if ((ruleId == null || s.getRuleId().equals(ruleId))
                        && (q == null || s.getInstanceId().toLowerCase(Locale.ROOT).contains(q))) {
                    matches.add(SloView.of(s, false));
                }
            }
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
        matches.sort(SLO_ORDER);
        return new SloPage(List.copyOf(matches.subList(0, Math.min(top, matches.size()))), matches.size(), 0, top);
    }

    private SloView localSlo(String ruleId, String instanceId, boolean stale) {
        SloStatus status;
        try {
            StoreQueryParameters<ReadOnlyKeyValueStore<String, SloStatus>> parameters = StoreQueryParameters
                    .fromNameAndType(AlertingTopology.Names.SLO_STORE, QueryableStoreTypes.keyValueStore());
            status = streams.store(stale ? parameters.enableStaleStores() : parameters).get(ruleId + ":" + instanceId);
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
        if (status == null) {
            throw new NotFoundException("no SLO state for rule '" + ruleId + "' on instance '" + instanceId + "'");
        }
        return SloView.of(status, stale);
    }

    /**
     * Reads locally when this instance is the active owner (or a standby, when allowed); otherwise
     * asks the active owner and, if it does not answer, the standbys, marking their answer stale.
     */
    private <T> T fromOwner(String alertKey, boolean staleOk, HttpRequest<?> original, BiFunction<String, Boolean, T> local,
                            Function<Boolean, URI> remotePath, Argument<T> type, UnaryOperator<T> markStale) {
        KeyQueryMetadata metadata = locator.locate(alertKey);
        if (locator.isSelf(metadata.activeHost())) {
            return local.apply(alertKey, false);
        }
        if (staleOk && metadata.standbyHosts().contains(locator.self())) {
            return local.apply(alertKey, true);
        }
        try {
            return forward(metadata.activeHost(), remotePath.apply(false), original, type);
        } catch (StateMigratingException unreachable) {
            for (HostInfo standby : metadata.standbyHosts()) {
                if (locator.isSelf(standby)) {
                    return local.apply(alertKey, true);
                }
                try {
                    return markStale.apply(forward(standby, remotePath.apply(true), original, type));
                } catch (StateMigratingException next) {
                    LOG.debug("standby {} of {} did not answer either", standby, alertKey, next);
                }
            }
            throw unreachable;
        }
    }

    /**
     * The owner's path for {@code alertKey}, the key URL-encoded as one path segment: the series suffix
     * of a rule with {@code by} ({@code {database=orders}}) holds characters a raw URI refuses.
     */
    static URI path(String alertKey, String suffix, boolean staleOk) {
        return URI.create("/api/v1/alerts/" + segment(alertKey) + suffix + (staleOk ? "?" + STALE_OK + "=true" : ""));
    }

    /** The owner's path for one SLO's figures: rule and instance ids may hold what a raw URI refuses (a space, '/'). */
    static URI sloPath(String ruleId, String instanceId, boolean staleOk) {
        return URI.create("/api/v1/slo/" + segment(ruleId) + "/" + segment(instanceId) + (staleOk ? "?" + STALE_OK + "=true" : ""));
    }

    /** One path segment, every reserved character percent-encoded (a space as %20, not '+'). */
    private static String segment(String text) {
        return java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    private List<EventView> localHistory(String alertKey, boolean stale) {
        AlertHistory history;
        try {
            StoreQueryParameters<ReadOnlyKeyValueStore<String, AlertHistory>> parameters = StoreQueryParameters
                    .fromNameAndType(AlertingTopology.Names.ALERT_HISTORY_STORE, QueryableStoreTypes.keyValueStore());
            history = streams.store(stale ? parameters.enableStaleStores() : parameters).get(alertKey);
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
        if (history == null) {
            throw new NotFoundException("no alert has key '" + alertKey + "'");
        }
        return history.getEvents().stream().map(EventView::of).toList();
    }

    private AlertView localOne(String alertKey, boolean stale) {
        AlertStatus s;
        try {
            s = store(stale).get(alertKey);
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
        if (s == null) {
            throw new NotFoundException("no alert has key '" + alertKey + "'");
        }
        return AlertView.of(s, stale);
    }

    private ReadOnlyKeyValueStore<String, AlertStatus> store(boolean stale) {
        StoreQueryParameters<ReadOnlyKeyValueStore<String, AlertStatus>> parameters = StoreQueryParameters
                .fromNameAndType(AlertingTopology.Names.ALERT_STATE_STORE, QueryableStoreTypes.keyValueStore());
        return streams.store(stale ? parameters.enableStaleStores() : parameters);
    }

    private static RuntimeException unavailable(InvalidStateStoreException e) {
        if (e instanceof UnknownStateStoreException) {
            return new NotFoundException("no such store: " + e.getMessage());
        }
        return new StateMigratingException("alert state is migrating: " + e.getMessage(), e);
    }

    private AlertPage remotePage(HostInfo host, AlertFilter filter, AlertOrder order, int top, HttpRequest<?> original) {
        UriBuilder uri = UriBuilder.of("/api/v1/alerts").queryParam(LOCAL, "true").queryParam("limit", Integer.toString(top));
        if (order.spec() != null) {
            uri.queryParam("sort", order.spec());
        }
        if (filter.q() != null) {
            uri.queryParam("q", filter.q());
        }
        if (filter.state() != null) {
            uri.queryParam("state", filter.state());
        }
        if (filter.severity() != null) {
            uri.queryParam("severity", filter.severity());
        }
        if (filter.instanceId() != null) {
            uri.queryParam("instance_id", filter.instanceId());
        }
        if (filter.shadow() != null) {
            uri.queryParam("shadow", filter.shadow());
        }
        if (filter.ruleId() != null) {
            uri.queryParam("rule_id", filter.ruleId());
        }
        return forward(host, uri.build(), original, Argument.of(AlertPage.class));
    }

    private <T> T forward(HostInfo host, URI uri, HttpRequest<?> original, Argument<T> type) {
        return clients.get(host, uri, original, type);
    }

    private <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(settings.getForwardTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StateMigratingException("interrupted while asking the other instances", e);
        } catch (TimeoutException e) {
            throw new StateMigratingException("another instance did not answer within " + settings.getForwardTimeout(), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new StateMigratingException("another instance failed: " + e.getCause(), e.getCause());
        }
    }
}
