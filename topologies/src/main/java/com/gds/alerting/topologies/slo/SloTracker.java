package com.gds.alerting.topologies.slo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.SliKind;
import com.gds.alerting.avro.internal.SloStatus;
import com.gds.alerting.avro.internal.SloWindow;
import com.gds.alerting.topologies.rules.CompiledRule;
import com.gds.alerting.topologies.rules.Counters;
import com.gds.alerting.topologies.rules.SloSpecs;
import com.gds.alerting.topologies.rules.SloSpecs.BurnPair;

/**
 * The SLO of one rule for one instance: good and bad events counted into coarse event-time
 * buckets per window, the SLI, burn rate and remaining error budget derived from them, and the
 * multi-window multi-burn-rate decision.
 *
 * <p><b>Buckets.</b> Every window the rule uses (each long and short window, and the period) has a
 * ring of {@value #BUCKETS} buckets of {@code window / }{@value #BUCKETS}, plus one slot for the
 * bucket the window's far edge cuts: a window {@code (now - w, now]} is the newest {@value #BUCKETS}
 * buckets in full and the cut bucket weighted by the fraction of it inside the window (events
 * assumed even within a bucket). Memory per (SLO, instance) is thus fixed by the number of
 * windows, whatever the traffic: 25 slots of two numbers per window, most of them one or two bytes
 * ({@link BucketCodec}).
 *
 * <p><b>Events.</b> THRESHOLD SLI: each sample is an event, bad unless {@code value good_op
 * good_threshold}. RATIO SLI: the increase of the total counter (the selector's metric) counts
 * events, the increase of the good or bad counter counts good or bad ones; a counter that drops
 * was reset and its increase is its new value; the first sample of a counter is its baseline and
 * counts nothing. With a good counter, bad = events - good (never below 0).
 *
 * <p><b>Partly-filled windows</b> (a new instance, a new rule, a window added to a rule): a
 * window's ratio is over the events it holds, without extrapolation, so a window with less history
 * than its length is judged on what it has ({@code covered_ms} tells how much); {@code min_events}
 * keeps a window with few events from alerting. This is Prometheus' behaviour over a young series.
 *
 * <p><b>Time.</b> Event time. "Now" is the newest sample counted; a THRESHOLD-SLI sample not newer
 * than it, or a counter sample not newer than that counter's previous one, is late and ignored.
 */
public final class SloTracker {

    /** Buckets per window: the edge of a window is interpolated within one bucket of {@code window / 24}. */
    public static final int BUCKETS = 24;
    private static final int SLOTS = BUCKETS + 1;

    /** The SLO's decision at {@code at}: the most urgent pair whose two windows both burn too fast, if any. */
    public record Decision(long at, Severity severity, double burnRate, double threshold) {
        public boolean firing() {
            return severity != null;
        }
    }

    private final KeyValueStore<String, SloStatus> store;

    public SloTracker(KeyValueStore<String, SloStatus> store) {
        this.store = store;
    }

    /** Drops the state of a rule (deleted, or no longer an SLO rule). */
    public void forget(String ruleId) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, SloStatus> it = store.prefixScan(ruleId + ":", new StringSerializer())) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        keys.forEach(store::delete);
    }

    /** The store key of an (SLO rule, instance): {@code ruleId:instanceId}. */
    public static String key(String ruleId, String instanceId) {
        return ruleId + ":" + instanceId;
    }

    /**
     * Counts a sample of {@code metricName} (the rule's selector metric or its good/bad counter)
     * and decides; {@code null} when the sample is late.
     */
    public Decision update(CompiledRule rule, String instanceId, String metricName, double value, long at) {
        SloSpecs spec = rule.slo();
        String key = key(rule.ruleId(), instanceId);
        SloStatus st = store.get(key);
        boolean fresh = st == null;
        if (fresh) {
            st = SloStatus.newBuilder().setRuleId(rule.ruleId()).setInstanceId(instanceId).setObjective(spec.objective())
                    .setPeriodMs(spec.periodMs()).setFirstSampleAt(at).setUpdatedAt(at).setWindows(new ArrayList<>()).build();
        }
        align(st, spec);
        double counted = 0;
        double events = 0;
        if (spec.sli() == SliKind.THRESHOLD) {
            if (!fresh && at <= st.getUpdatedAt()) {
                return null;
            }
            events = 1;
            counted = spec.good(value) ? 0 : 1;
        } else if (metricName.equals(rule.metricName())) {
            if (st.getCounterTotalAt() != null && at <= st.getCounterTotalAt()) {
                return null;
            }
            events = st.getCounterTotal() == null ? 0 : Counters.increase(st.getCounterTotal(), value);
            st.setCounterTotal(value);
            st.setCounterTotalAt(at);
        } else {
            if (st.getCounterAAt() != null && at <= st.getCounterAAt()) {
                return null;
            }
            counted = st.getCounterA() == null ? 0 : Counters.increase(st.getCounterA(), value);
            st.setCounterA(value);
            st.setCounterAAt(at);
        }
        long now = Math.max(st.getUpdatedAt(), at);
        st.setUpdatedAt(now);
        st.setErrorBudgetRemaining(null);
        for (SloWindow w : st.getWindows()) {
            double[] ring = BucketCodec.decode(w.getBuckets(), SLOTS * 2);
            if (add(w, ring, at, counted, events)) {
                w.setBuckets(BucketCodec.encode(ring));
            }
            summarize(w, ring, st, spec);
            if (w.getWindowMs() == spec.periodMs()) {
                st.setErrorBudgetRemaining(w.getBurnRate() == null ? null : 1 - w.getBurnRate());
            }
        }
        store.put(key, st);
        return decide(st, spec);
    }

    /** Makes the status hold exactly the rule's windows (a rule change keeps the windows it still uses). */
    private static void align(SloStatus st, SloSpecs spec) {
        List<SloWindow> current = st.getWindows();
        boolean same = current.size() == spec.windowsMs().length;
        for (int i = 0; same && i < current.size(); i++) {
            same = current.get(i).getWindowMs() == spec.windowsMs()[i];
        }
        st.setObjective(spec.objective());
        st.setPeriodMs(spec.periodMs());
        if (same) {
            return;
        }
        Map<Long, SloWindow> byMs = new HashMap<>();
        current.forEach(w -> byMs.put(w.getWindowMs(), w));
        List<SloWindow> windows = new ArrayList<>();
        for (long ms : spec.windowsMs()) {
            SloWindow w = byMs.get(ms);
            windows.add(w != null ? w : SloWindow.newBuilder().setWindowMs(ms).setEvents(0).setBadEvents(0).setCoveredMs(0)
                    .setHead(Math.floorDiv(st.getUpdatedAt(), ms / BUCKETS))
                    .setBuckets(BucketCodec.encode(new double[SLOTS * 2])).build());
        }
        st.setWindows(windows);
    }

    /**
     * Adds events to the bucket of {@code at} in the decoded {@code ring}, moving the ring forward
     * first if {@code at} is past its head; returns whether the ring changed.
     */
    private static boolean add(SloWindow w, double[] ring, long at, double counted, double events) {
        long width = w.getWindowMs() / BUCKETS;
        long bucket = Math.floorDiv(at, width);
        long head = w.getHead();
        if (bucket <= head - SLOTS || (bucket <= head && counted == 0 && events == 0)) {
            return false;
        }
        if (bucket > head) {
            for (long j = Math.max(head + 1, bucket - SLOTS + 1); j <= bucket; j++) {
                ring[slot(j)] = 0;
                ring[slot(j) + 1] = 0;
            }
            w.setHead(bucket);
        }
        ring[slot(bucket)] += counted;
        ring[slot(bucket) + 1] += events;
        return true;
    }

    /** Index of a bucket's first number (counted; events follow) in the decoded ring. */
    private static int slot(long bucket) {
        return (int) Math.floorMod(bucket, (long) SLOTS) * 2;
    }

    /** Sums the window {@code (now - w, now]} and derives its SLI and burn rate. */
    private static void summarize(SloWindow w, double[] ring, SloStatus st, SloSpecs spec) {
        long now = st.getUpdatedAt();
        long width = w.getWindowMs() / BUCKETS;
        long newest = Math.floorDiv(now, width);
        double counted = 0;
        double events = 0;
        for (long j = newest - BUCKETS + 1; j <= newest; j++) {
            if (j > w.getHead() - SLOTS && j <= w.getHead()) {
                counted += ring[slot(j)];
                events += ring[slot(j) + 1];
            }
        }
        long cut = newest - BUCKETS;
        if (cut > w.getHead() - SLOTS && cut <= w.getHead()) {
            double inside = (double) ((newest + 1) * width - now - 1) / width;
            counted += inside * ring[slot(cut)];
            events += inside * ring[slot(cut) + 1];
        }
        double bad = spec.goodCounter() ? Math.max(0, events - counted) : counted;
        bad = Math.min(bad, events);
        w.setEvents(events);
        w.setBadEvents(bad);
        w.setCoveredMs(Math.min(w.getWindowMs(), now - st.getFirstSampleAt()));
        if (events > 0) {
            w.setSli(1 - bad / events);
            w.setBurnRate(bad / events / spec.budget());
        } else {
            w.setSli(null);
            w.setBurnRate(null);
        }
    }

    private static Decision decide(SloStatus st, SloSpecs spec) {
        BurnPair worst = null;
        double worstBurn = Double.NaN;
        double maxLongBurn = Double.NaN;
        for (BurnPair pair : spec.pairs()) {
            SloWindow longW = window(st, pair.longWindowMs());
            SloWindow shortW = window(st, pair.shortWindowMs());
            if (longW.getBurnRate() != null && !(longW.getBurnRate() <= maxLongBurn)) {
                maxLongBurn = longW.getBurnRate();
            }
            if (burning(longW, pair, spec) && burning(shortW, pair, spec)
                    && (worst == null || pair.severity().compareTo(worst.severity()) > 0)) {
                worst = pair;
                worstBurn = longW.getBurnRate();
            }
        }
        return worst == null ? new Decision(st.getUpdatedAt(), null, maxLongBurn, Double.NaN)
                : new Decision(st.getUpdatedAt(), worst.severity(), worstBurn, worst.burnRate());
    }

    private static boolean burning(SloWindow w, BurnPair pair, SloSpecs spec) {
        return w.getEvents() > 0 && w.getEvents() >= spec.minEvents() && w.getBurnRate() != null
                && w.getBurnRate() > pair.burnRate();
    }

    private static SloWindow window(SloStatus st, long ms) {
        for (SloWindow w : st.getWindows()) {
            if (w.getWindowMs() == ms) {
                return w;
            }
        }
        throw new IllegalStateException("SLO status of " + st.getRuleId() + " has no " + ms + " ms window");
    }
}
