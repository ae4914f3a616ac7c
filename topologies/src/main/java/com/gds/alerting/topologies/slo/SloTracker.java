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
 * was reset and its increase is its new value. With a good counter, bad = events - good (never below 0).
 *
 * <p><b>One decision per collection instant.</b> A THRESHOLD-SLI sample is an instant of its own,
 * counted and decided at once. A RATIO SLI's two counters of one collection share a timestamp (and
 * a correlation id) and arrive one after the other; the first is <i>held</i> in the state, and the
 * instant is counted and decided when the other counter of the same timestamp arrives, never on
 * one counter alone. Both increases are taken from the previous complete instant, so they always
 * span the same interval; the first complete instant is the baseline and counts nothing. An
 * instant whose partner never comes is closed by the first sample of a later instant: it is
 * neither counted nor decided ({@link Update#abandonedAt()}, {@code incomplete_instants}), and the
 * next complete instant's increases cover its interval, so no event is lost. Nothing waits on a
 * timer: a complete instant is decided the moment it is complete, and waiting longer could not
 * complete an incomplete one.
 *
 * <p><b>min_events</b> is one thing for every SLI kind: the least number of events (the
 * denominator: total-counter increase for RATIO, whichever other counter it reads; samples for
 * THRESHOLD) a window must hold, at the instant decided, to be judged. A window not judged does not
 * burn; a pair fires only when both its windows are judged and burn faster than its rate.
 *
 * <p><b>Partly-filled windows</b> (a new instance, a new rule, a window added to a rule): a
 * window's ratio is over the events it holds, without extrapolation, so a window with less history
 * than its length is judged on what it has ({@code covered_ms} tells how much); {@code min_events}
 * keeps a window with few events from alerting. This is Prometheus' behaviour over a young series.
 *
 * <p><b>Time.</b> Event time. "Now" is the newest instant counted. A THRESHOLD-SLI sample not newer
 * than it is late and ignored; so is a RATIO counter sample not newer than the newest complete
 * instant, older than the instant held, or a repeat of the counter held.
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

    /** What became of a sample. */
    public enum Outcome {
        /** Its instant is complete (every THRESHOLD-SLI sample; a RATIO instant's second counter): counted and decided. */
        DECIDED,
        /** RATIO: the first counter of its instant, held until the other one of the same instant arrives. */
        HELD,
        /** Not newer than the newest instant counted, older than the instant held, or a repeat of the counter held. */
        LATE
    }

    /**
     * The outcome of one sample.
     *
     * @param outcome     what became of the sample
     * @param decision    the decision at the sample's instant when {@link Outcome#DECIDED}, else null
     * @param abandonedAt RATIO: the instant this sample closed with one counter missing (neither counted
     *                    nor decided), else null
     */
    public record Update(Outcome outcome, Decision decision, Long abandonedAt) {
        private static final Update LATE = new Update(Outcome.LATE, null, null);
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
     * Takes a sample of {@code metricName} (the rule's selector metric or its good/bad counter):
     * counts and decides its instant once complete, holds a RATIO instant's first counter, or ignores
     * a late sample.
     */
    public Update update(CompiledRule rule, String instanceId, String metricName, double value, long at) {
        SloSpecs spec = rule.slo();
        String key = key(rule.ruleId(), instanceId);
        SloStatus st = store.get(key);
        boolean fresh = st == null;
        if (fresh) {
            st = SloStatus.newBuilder().setRuleId(rule.ruleId()).setInstanceId(instanceId).setObjective(spec.objective())
                    .setPeriodMs(spec.periodMs()).setFirstSampleAt(at).setUpdatedAt(at).setWindows(new ArrayList<>()).build();
        }
        align(st, spec);
        if (spec.sli() == SliKind.THRESHOLD) {
            if (!fresh && at <= st.getUpdatedAt()) {
                return Update.LATE;
            }
            return decided(st, spec, key, at, spec.good(value) ? 0 : 1, 1);
        }
        return ratioSample(st, spec, key, metricName.equals(rule.metricName()), value, at);
    }

    /** A RATIO counter sample: holds it, completes the instant held, or closes an incomplete one. */
    private Update ratioSample(SloStatus st, SloSpecs spec, String key, boolean total, double value, long at) {
        Long newest = newestCounted(st);
        if (newest != null && at == newest && st.getHeldAt() == null) {
            Long own = total ? st.getCounterTotalAt() : st.getCounterAAt();
            if (own == null || own < at) {
                return completeUnpairedInstant(st, spec, key, total, value, at);
            }
        }
        if (newest != null && at <= newest) {
            return Update.LATE;
        }
        Long heldAt = st.getHeldAt();
        if (heldAt != null && at < heldAt) {
            return Update.LATE;
        }
        if (heldAt != null && at == heldAt) {
            Double held = total ? st.getHeldCounterA() : st.getHeldTotal();
            if (held == null) {
                return Update.LATE; // a repeat of the counter held
            }
            double totalValue = total ? value : held;
            double other = total ? held : value;
            hold(st, null, null, null);
            double events = 0;
            double counted = 0;
            if (st.getCounterTotal() != null && st.getCounterA() != null) {
                events = Counters.increase(st.getCounterTotal(), totalValue);
                counted = Counters.increase(st.getCounterA(), other);
            }
            st.setCounterTotal(totalValue);
            st.setCounterTotalAt(at);
            st.setCounterA(other);
            st.setCounterAAt(at);
            return decided(st, spec, key, at, counted, events);
        }
        Long abandoned = heldAt;
        if (abandoned != null) {
            st.setIncompleteInstants(st.getIncompleteInstants() + 1);
        }
        hold(st, at, total ? value : null, total ? null : value);
        store.put(key, st);
        return new Update(Outcome.HELD, null, abandoned);
    }

    /** The newest instant a RATIO state counted (either counter's, for a state written before instants were paired). */
    private static Long newestCounted(SloStatus st) {
        Long t = st.getCounterTotalAt();
        Long a = st.getCounterAAt();
        return t == null ? a : a == null ? t : Long.valueOf(Math.max(t, a));
    }

    /**
     * A state written before instants were paired (store format 1) may hold its counters at different
     * instants, the newer one counted alone; its partner of that instant completes it, counting its own
     * increase only (the other's is in the buckets already).
     */
    private Update completeUnpairedInstant(SloStatus st, SloSpecs spec, String key, boolean total, double value, long at) {
        Double before = total ? st.getCounterTotal() : st.getCounterA();
        double increase = before == null ? 0 : Counters.increase(before, value);
        if (total) {
            st.setCounterTotal(value);
            st.setCounterTotalAt(at);
        } else {
            st.setCounterA(value);
            st.setCounterAAt(at);
        }
        return decided(st, spec, key, at, total ? 0 : increase, total ? increase : 0);
    }

    private static void hold(SloStatus st, Long at, Double total, Double other) {
        st.setHeldAt(at);
        st.setHeldTotal(total);
        st.setHeldCounterA(other);
    }

    /** Counts a complete instant into every window, saves the state and decides at {@code at}. */
    private Update decided(SloStatus st, SloSpecs spec, String key, long at, double counted, double events) {
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
        return new Update(Outcome.DECIDED, decide(st, spec), null);
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
