package com.gds.alerting.topologies.rules;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The accepted rules, indexed for evaluation: by metric name, then by the instance an
 * {@code instance_id="..."} matcher pins a rule to. Finding the candidates for a sample costs the
 * rules of its metric name that are fleet-wide plus those pinned to its instance, never a scan of
 * every rule (docs/semantics.md, "Cost model").
 *
 * <p>One writer (the global rule-table processor) and many readers (the stream threads): each
 * metric's entry is an immutable value swapped atomically, so readers never lock. Every change
 * gets a sequence number, and the recent changes are kept so a stream task can ask which rules
 * changed since it last looked (to resolve the alerts of a deleted rule).
 */
public final class RuleBook {

    /** The candidates for one metric name; immutable. */
    private record MetricRules(List<CompiledRule> fleetWide, Map<String, List<CompiledRule>> byInstance) {
        static final MetricRules EMPTY = new MetricRules(List.of(), Map.of());
    }

    private static final int CHANGES_KEPT = 100_000;

    private final TenantBook tenants = new TenantBook();
    private final Map<String, CompiledRule> rules = new ConcurrentHashMap<>();
    private final Map<String, MetricRules> byMetric = new ConcurrentHashMap<>();
    private final ConcurrentNavigableMap<Long, String> changes = new ConcurrentSkipListMap<>();
    private volatile long version;
    private final Map<String, CompiledRule> inhibiting = new HashMap<>();
    private volatile List<CompiledRule> inhibitors = List.of();

    /**
     * The platform's and the tenants' settings the rules of this book resolve their levels with: rules
     * compiled with {@code CompiledRule.compile(rule, book.tenants())} consult it per sample.
     */
    public TenantBook tenants() {
        return tenants;
    }

    /** Adds or replaces a rule (disabled rules are kept for queries but never evaluated). */
    public synchronized void put(CompiledRule rule) {
        CompiledRule previous = rules.put(rule.ruleId(), rule);
        if (previous != null) {
            unindex(previous);
        }
        if (rule.enabled()) {
            index(rule);
        }
        changed(rule.ruleId());
        // A shadow rule never inhibits: its alerts must not change what the live rules send.
        if (rule.enabled() && !rule.shadow() && !rule.inhibitions().isEmpty()) {
            inhibiting.put(rule.ruleId(), rule);
            inhibitors = List.copyOf(inhibiting.values());
        } else if (inhibiting.remove(rule.ruleId()) != null) {
            inhibitors = List.copyOf(inhibiting.values());
        }
    }

    /** Removes a rule; a no-op for an unknown id. */
    public synchronized void remove(String ruleId) {
        CompiledRule previous = rules.remove(ruleId);
        if (previous != null) {
            unindex(previous);
            changed(ruleId);
            if (inhibiting.remove(ruleId) != null) {
                inhibitors = List.copyOf(inhibiting.values());
            }
        }
    }

    /** The enabled live rules whose firing alerts inhibit others (few: e.g. an instance-down rule); never a shadow rule. */
    public List<CompiledRule> inhibitors() {
        return inhibitors;
    }

    /** Replaces everything (when the rule table is loaded from its store). */
    public synchronized void replaceAll(Collection<CompiledRule> all) {
        Set<String> gone = new HashSet<>(rules.keySet());
        for (CompiledRule rule : all) {
            gone.remove(rule.ruleId());
        }
        for (String id : gone) {
            remove(id);
        }
        for (CompiledRule rule : all) {
            if (rules.get(rule.ruleId()) != rule) {
                put(rule);
            }
        }
    }

    /**
     * The enabled rules that may select a sample of {@code metricName} on {@code instanceId}; the
     * caller still checks {@link CompiledRule#selects}. Two lists, so nothing is copied.
     */
    public List<CompiledRule> fleetWide(String metricName) {
        return byMetric.getOrDefault(metricName, MetricRules.EMPTY).fleetWide();
    }

    /** The enabled rules of {@code metricName} pinned to {@code instanceId}. */
    public List<CompiledRule> pinned(String metricName, String instanceId) {
        return byMetric.getOrDefault(metricName, MetricRules.EMPTY).byInstance().getOrDefault(instanceId, List.of());
    }

    public CompiledRule rule(String ruleId) {
        return rules.get(ruleId);
    }

    public Collection<CompiledRule> all() {
        return List.copyOf(rules.values());
    }

    public int size() {
        return rules.size();
    }

    /** Increases with every change. */
    public long version() {
        return version;
    }

    /**
     * The ids of the rules changed after {@code sinceVersion} up to the current version, or empty
     * when that history is no longer kept (the caller then checks everything).
     */
    public Optional<Set<String>> changedSince(long sinceVersion) {
        if (sinceVersion < 0 || (!changes.isEmpty() && changes.firstKey() > sinceVersion + 1)) {
            return Optional.empty();
        }
        return Optional.of(new HashSet<>(changes.tailMap(sinceVersion, false).values()));
    }

    private void changed(String ruleId) {
        long next = version + 1;
        changes.put(next, ruleId);
        if (changes.size() > CHANGES_KEPT) {
            changes.pollFirstEntry();
        }
        version = next;
    }

    private void index(CompiledRule rule) {
        for (String metricName : rule.metricNames()) {
            index(rule, metricName);
        }
    }

    private void unindex(CompiledRule rule) {
        for (String metricName : rule.metricNames()) {
            unindex(rule, metricName);
        }
    }

    private void index(CompiledRule rule, String metricName) {
        byMetric.compute(metricName, (metric, current) -> {
            MetricRules base = current == null ? MetricRules.EMPTY : current;
            if (rule.indexedInstance() == null) {
                return new MetricRules(append(base.fleetWide(), rule), base.byInstance());
            }
            Map<String, List<CompiledRule>> byInstance = new HashMap<>(base.byInstance());
            byInstance.put(rule.indexedInstance(), append(byInstance.getOrDefault(rule.indexedInstance(), List.of()), rule));
            return new MetricRules(base.fleetWide(), Map.copyOf(byInstance));
        });
    }

    private void unindex(CompiledRule rule, String metricName) {
        byMetric.computeIfPresent(metricName, (metric, current) -> {
            MetricRules next;
            if (rule.indexedInstance() == null) {
                next = new MetricRules(without(current.fleetWide(), rule), current.byInstance());
            } else {
                Map<String, List<CompiledRule>> byInstance = new HashMap<>(current.byInstance());
                List<CompiledRule> left = without(byInstance.getOrDefault(rule.indexedInstance(), List.of()), rule);
                if (left.isEmpty()) {
                    byInstance.remove(rule.indexedInstance());
                } else {
                    byInstance.put(rule.indexedInstance(), left);
                }
                next = new MetricRules(current.fleetWide(), Map.copyOf(byInstance));
            }
            return next.fleetWide().isEmpty() && next.byInstance().isEmpty() ? null : next;
        });
    }

    private static List<CompiledRule> append(List<CompiledRule> list, CompiledRule rule) {
        List<CompiledRule> copy = new ArrayList<>(list.size() + 1);
        copy.addAll(list);
        copy.add(rule);
        return List.copyOf(copy);
    }

    private static List<CompiledRule> without(List<CompiledRule> list, CompiledRule rule) {
        List<CompiledRule> copy = new ArrayList<>(list);
        copy.removeIf(r -> r.ruleId().equals(rule.ruleId()));
        return List.copyOf(copy);
    }
}
