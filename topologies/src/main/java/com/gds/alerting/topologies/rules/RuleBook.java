package com.gds.alerting.topologies.rules;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
 * <p>One writer (the global rule-table processor) and many readers (the stream threads), and the
 * readers never lock: each metric's fleet-wide rules are an immutable list swapped atomically, and
 * its pinned rules a concurrent map from instance to an immutable list. Every change gets a
 * sequence number, and the recent changes are kept so a stream task can ask which rules changed
 * since it last looked (to resolve the alerts of a deleted rule).
 *
 * <p>Loading is linear in the rules: a {@link #put} costs the rules of its metric that it shares a
 * list with (the fleet-wide rules of the metric, or the rules pinned to the same instance), not the
 * whole per-metric index, so restoring N rules pinned to N instances of one metric one record at a
 * time is O(N); {@link #replaceAll} builds each metric's lists once.
 */
public final class RuleBook {

    /**
     * The candidates for one metric name. The fleet-wide list and each pinned list are immutable;
     * the holder is changed only by the writer, under the book's lock.
     */
    private static final class MetricRules {
        private volatile List<CompiledRule> fleetWide = List.of();
        private final Map<String, List<CompiledRule>> byInstance = new ConcurrentHashMap<>();

        boolean isEmpty() {
            return fleetWide.isEmpty() && byInstance.isEmpty();
        }
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
        if (trackInhibition(rule)) {
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

    /**
     * Replaces everything (when the rule table is loaded from its store). The same outcome and
     * change history as removing the rules not in {@code all} and then putting each rule of
     * {@code all} that is not already in force, in that order, but each metric's lists are built
     * once: linear in the rules, however many share a metric.
     */
    public synchronized void replaceAll(Collection<CompiledRule> all) {
        Set<String> gone = new HashSet<>(rules.keySet());
        for (CompiledRule rule : all) {
            gone.remove(rule.ruleId());
        }
        // The metrics whose lists change (of the rules removed, replaced or new) are rebuilt once at the end.
        Set<String> touched = new HashSet<>();
        Map<String, CompiledRule> added = new LinkedHashMap<>();
        for (String id : gone) {
            touched.addAll(rules.remove(id).metricNames());
            changed(id);
            inhibiting.remove(id);
        }
        for (CompiledRule rule : all) {
            CompiledRule previous = rules.put(rule.ruleId(), rule);
            if (previous == rule) {
                continue;
            }
            if (previous != null) {
                touched.addAll(previous.metricNames());
            }
            added.remove(rule.ruleId()); // a later put of the same id appends it again, where it now stands
            if (rule.enabled()) {
                touched.addAll(rule.metricNames());
                added.put(rule.ruleId(), rule);
            }
            changed(rule.ruleId());
            trackInhibition(rule);
        }
        rebuild(touched, added);
        inhibitors = List.copyOf(inhibiting.values());
    }

    /**
     * Rebuilds the lists of the {@code touched} metrics: what they held that is still in force, in
     * its order, then the {@code added} rules in theirs (where one put after another would have
     * appended them). Each list is published once, so a reader sees its old content or its new
     * one, as after a {@link #put}.
     */
    private void rebuild(Set<String> touched, Map<String, CompiledRule> added) {
        Map<String, List<CompiledRule>> fleetWide = new HashMap<>();
        Map<String, Map<String, List<CompiledRule>>> pinned = new HashMap<>();
        for (String metric : touched) {
            MetricRules current = byMetric.get(metric);
            List<CompiledRule> keptFleetWide = new ArrayList<>();
            Map<String, List<CompiledRule>> keptPinned = new LinkedHashMap<>();
            if (current != null) {
                for (CompiledRule r : current.fleetWide) {
                    if (kept(r, added)) {
                        keptFleetWide.add(r);
                    }
                }
                for (Map.Entry<String, List<CompiledRule>> e : current.byInstance.entrySet()) {
                    for (CompiledRule r : e.getValue()) {
                        if (kept(r, added)) {
                            keptPinned.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(r);
                        }
                    }
                }
            }
            fleetWide.put(metric, keptFleetWide);
            pinned.put(metric, keptPinned);
        }
        for (CompiledRule rule : added.values()) {
            for (String metric : rule.metricNames()) {
                if (rule.indexedInstance() == null) {
                    fleetWide.get(metric).add(rule);
                } else {
                    pinned.get(metric).computeIfAbsent(rule.indexedInstance(), k -> new ArrayList<>()).add(rule);
                }
            }
        }
        for (String metric : touched) {
            List<CompiledRule> fw = fleetWide.get(metric);
            Map<String, List<CompiledRule>> pi = pinned.get(metric);
            if (fw.isEmpty() && pi.isEmpty()) {
                byMetric.remove(metric);
                continue;
            }
            MetricRules target = byMetric.computeIfAbsent(metric, m -> new MetricRules());
            target.byInstance.keySet().retainAll(pi.keySet());
            for (Map.Entry<String, List<CompiledRule>> e : pi.entrySet()) {
                target.byInstance.put(e.getKey(), List.copyOf(e.getValue()));
            }
            target.fleetWide = List.copyOf(fw);
        }
    }

    /**
     * Whether {@code r}, found in the index, stays where it is: the rule in force for its id, enabled,
     * and not put again (a rule put again is appended, as {@link #put} would).
     */
    private boolean kept(CompiledRule r, Map<String, CompiledRule> added) {
        return rules.get(r.ruleId()) == r && r.enabled() && !added.containsKey(r.ruleId());
    }

    /** Keeps {@link #inhibiting} up to date with {@code rule}; true when it changed. */
    private boolean trackInhibition(CompiledRule rule) {
        // A shadow rule never inhibits: its alerts must not change what the live rules send.
        if (rule.enabled() && !rule.shadow() && !rule.inhibitions().isEmpty()) {
            inhibiting.put(rule.ruleId(), rule);
            return true;
        }
        return inhibiting.remove(rule.ruleId()) != null;
    }

    /**
     * The enabled rules that may select a sample of {@code metricName} on {@code instanceId}; the
     * caller still checks {@link CompiledRule#selects}. Two lists, so nothing is copied.
     */
    public List<CompiledRule> fleetWide(String metricName) {
        MetricRules m = byMetric.get(metricName);
        return m == null ? List.of() : m.fleetWide;
    }

    /** The enabled rules of {@code metricName} pinned to {@code instanceId}. */
    public List<CompiledRule> pinned(String metricName, String instanceId) {
        MetricRules m = byMetric.get(metricName);
        if (m == null || instanceId == null) {
            return List.of();
        }
        return m.byInstance.getOrDefault(instanceId, List.of());
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
        MetricRules m = byMetric.computeIfAbsent(metricName, metric -> new MetricRules());
        String instance = rule.indexedInstance();
        if (instance == null) {
            m.fleetWide = append(m.fleetWide, rule);
        } else {
            m.byInstance.put(instance, append(m.byInstance.getOrDefault(instance, List.of()), rule));
        }
    }

    private void unindex(CompiledRule rule, String metricName) {
        MetricRules m = byMetric.get(metricName);
        if (m == null) {
            return;
        }
        String instance = rule.indexedInstance();
        if (instance == null) {
            m.fleetWide = without(m.fleetWide, rule);
        } else {
            List<CompiledRule> left = without(m.byInstance.getOrDefault(instance, List.of()), rule);
            if (left.isEmpty()) {
                m.byInstance.remove(instance);
            } else {
                m.byInstance.put(instance, left);
            }
        }
        if (m.isEmpty()) {
            byMetric.remove(metricName);
        }
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
