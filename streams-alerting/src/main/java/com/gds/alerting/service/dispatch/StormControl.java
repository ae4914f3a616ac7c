package com.gds.alerting.service.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.gds.alerting.avro.AlertEvent;

/**
 * The rate limit per rule and per instance (docs/semantics.md: "a storm turns into a summary, not a
 * flood"). Time is cut into fixed windows of {@code interval} on the injected clock; in each
 * window at most {@code maxPerRule} notifications of one rule and {@code maxPerInstance} of one
 * instance go out. The rest are held, grouped by the limit they hit, and when the window ends each
 * group becomes one summary notification. Nothing is dropped: a held event's offset is committed
 * only once its summary is delivered. Used by the consumer thread only.
 */
final class StormControl {

    /** Which limit held an event back. */
    enum Scope {
        RULE, INSTANCE
    }

    /** What to do with an event: send it now, or hold it for the summary of {@code scope}. */
    record Admission(boolean admitted, Scope scope) {
        static final Admission ADMITTED = new Admission(true, null);
    }

    /** An event held back, with the record it came from. */
    record Held(AlertEvent event, Source source) {
    }

    /** The events held back for one rule or one instance in one window. */
    record Group(Scope scope, String name, Instant windowStart, Instant windowEnd, List<Held> held) {
    }

    private final int maxPerRule;
    private final int maxPerInstance;
    private final Duration interval;
    private final Clock clock;
    private long window = Long.MIN_VALUE;
    private final Map<String, Integer> perRule = new HashMap<>();
    private final Map<String, Integer> perInstance = new HashMap<>();
    private final Map<String, Group> groups = new LinkedHashMap<>();

    StormControl(int maxPerRule, int maxPerInstance, Duration interval, Clock clock) {
        this.maxPerRule = maxPerRule;
        this.maxPerInstance = maxPerInstance;
        this.interval = interval;
        this.clock = clock;
    }

    /** Counts {@code event} against its rule's and instance's limits; holds it if either is reached. */
    Admission admit(AlertEvent event, Source source) {
        long now = clock.millis();
        long current = Math.floorDiv(now, interval.toMillis());
        if (current != window) {
            window = current;
            perRule.clear();
            perInstance.clear();
        }
        Scope over = null;
        String name = null;
        if (perRule.getOrDefault(event.getRuleId(), 0) >= maxPerRule) {
            over = Scope.RULE;
            name = event.getRuleId();
        } else if (perInstance.getOrDefault(event.getInstanceId(), 0) >= maxPerInstance) {
            over = Scope.INSTANCE;
            name = event.getInstanceId();
        }
        if (over == null) {
            perRule.merge(event.getRuleId(), 1, Integer::sum);
            perInstance.merge(event.getInstanceId(), 1, Integer::sum);
            return Admission.ADMITTED;
        }
        Instant start = Instant.ofEpochMilli(current * interval.toMillis());
        Scope scope = over;
        String groupName = name;
        groups.computeIfAbsent(scope + "\u0000" + groupName + "\u0000" + current,
                k -> new Group(scope, groupName, start, start.plus(interval), new ArrayList<>()))
                .held().add(new Held(event, source));
        return new Admission(false, scope);
    }

    /** The groups whose window has ended, removed from this object; each becomes one summary. */
    List<Group> due() {
        Instant now = clock.instant();
        List<Group> due = new ArrayList<>();
        for (Iterator<Group> it = groups.values().iterator(); it.hasNext(); ) {
            Group group = it.next();
            if (!now.isBefore(group.windowEnd())) {
                due.add(group);
                it.remove();
            }
        }
        return due;
    }

    /** Events held and not yet summarised. */
    int holding() {
        return groups.values().stream().mapToInt(g -> g.held().size()).sum();
    }
}
