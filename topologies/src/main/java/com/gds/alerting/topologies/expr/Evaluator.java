package com.gds.alerting.topologies.expr;

import com.gds.alerting.topologies.expr.Expr.AggregationOp;
import com.gds.alerting.topologies.expr.Expr.BinaryOp;
import com.gds.alerting.topologies.expr.Expr.VectorMatching;
import com.gds.alerting.topologies.expr.Expr.VectorMatching.Cardinality;
import com.gds.alerting.topologies.expr.Value.InstantVector;
import com.gds.alerting.topologies.expr.Value.RangeVector;
import com.gds.alerting.topologies.expr.Value.Sample;
import com.gds.alerting.topologies.expr.Value.Scalar;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates a type-checked {@link Expr} at one instant over a {@link SeriesStore}, with the
 * semantics of Prometheus 2.42's engine (what {@code promtool test rules} of the installed
 * version computes): a 5-minute lookback for instant selectors, ranges closed at both ends,
 * Prometheus' extrapolation in rate/increase/delta, its vector-matching and label rules, and its
 * floating-point algorithms (Kahan sums, incremental means) so that results agree to the last
 * bits where the operation order allows. The evaluator holds no state between calls: everything
 * it reads comes from the store, over the windows {@link StateRequirements} names.
 */
public final class Evaluator {

    /** Prometheus' default lookback delta for instant selectors. */
    public static final long DEFAULT_LOOKBACK_MS = 5 * 60_000L;

    private final SeriesStore store;
    private final long lookbackMs;

    public Evaluator(SeriesStore store) {
        this(store, DEFAULT_LOOKBACK_MS);
    }

    public Evaluator(SeriesStore store, long lookbackMs) {
        this.store = store;
        this.lookbackMs = lookbackMs;
    }

    /**
     * Evaluates at {@code timeMs}.
     *
     * @throws ExprEvaluationException where Prometheus' engine fails the query too
     */
    public Value evaluate(Expr expr, long timeMs) {
        return eval(expr, timeMs);
    }

    private Value eval(Expr expr, long t) {
        if (expr instanceof Expr.NumberLiteral n) {
            return new Scalar(n.value());
        }
        if (expr instanceof Expr.Paren p) {
            return eval(p.inner(), t);
        }
        if (expr instanceof Expr.Unary u) {
            return unary(u, t);
        }
        if (expr instanceof Expr.VectorSelector vs) {
            return new InstantVector(selectInstant(vs, t));
        }
        if (expr instanceof Expr.MatrixSelector ms) {
            return new RangeVector(selectRange(ms, t));
        }
        if (expr instanceof Expr.Call c) {
            return call(c, t);
        }
        if (expr instanceof Expr.Aggregate a) {
            return new InstantVector(checkUnique(aggregate(a, t)));
        }
        if (expr instanceof Expr.Binary b) {
            return binary(b, t);
        }
        throw new ExprEvaluationException("not a value: " + expr);
    }

    private double scalar(Expr expr, long t) {
        return ((Scalar) eval(expr, t)).value();
    }

    private List<Sample> vector(Expr expr, long t) {
        return ((InstantVector) eval(expr, t)).samples();
    }

    // ---------------------------------------------------------------- selectors

    /**
     * The latest sample at or before {@code t - offset}, no older than the lookback: a sample
     * exactly {@code lookback} old still counts in 2.42 (3.0 made that end open).
     */
    List<Sample> selectInstant(Expr.VectorSelector vs, long t) {
        long ref = t - vs.offsetMs();
        List<Series> found = store.select(vs.allMatchers(), ref - lookbackMs, ref);
        found.sort(Comparator.comparing(Series::labels));
        List<Sample> out = new ArrayList<>(found.size());
        for (Series s : found) {
            int last = s.size() - 1;
            if (last < 0 || isStale(s.values()[last])) {
                continue;
            }
            out.add(new Sample(s.labels(), s.values()[last], s.timestamps()[last]));
        }
        return out;
    }

    /** Every sample in {@code [t - offset - range, t - offset]}, stale markers dropped. */
    List<Series> selectRange(Expr.MatrixSelector ms, long t) {
        long max = t - ms.selector().offsetMs();
        List<Series> found = store.select(ms.selector().allMatchers(), max - ms.rangeMs(), max);
        found.sort(Comparator.comparing(Series::labels));
        List<Series> out = new ArrayList<>(found.size());
        for (Series s : found) {
            Series fresh = withoutStaleMarkers(s);
            if (fresh.size() > 0) {
                out.add(fresh);
            }
        }
        return out;
    }

    private static boolean isStale(double v) {
        return Double.doubleToRawLongBits(v) == Double.doubleToRawLongBits(InMemorySeriesStore.STALE_NAN);
    }

    private static Series withoutStaleMarkers(Series s) {
        int stale = 0;
        for (double v : s.values()) {
            if (isStale(v)) {
                stale++;
            }
        }
        if (stale == 0) {
            return s;
        }
        long[] ts = new long[s.size() - stale];
        double[] vs = new double[ts.length];
        int j = 0;
        for (int i = 0; i < s.size(); i++) {
            if (!isStale(s.values()[i])) {
                ts[j] = s.timestamps()[i];
                vs[j++] = s.values()[i];
            }
        }
        return new Series(s.labels(), ts, vs);
    }

    // ---------------------------------------------------------------- unary, functions

    private Value unary(Expr.Unary u, long t) {
        Value v = eval(u.operand(), t);
        if (!u.negate()) {
            return v;
        }
        if (v instanceof Scalar s) {
            return new Scalar(-s.value());
        }
        List<Sample> out = new ArrayList<>();
        for (Sample s : ((InstantVector) v).samples()) {
            out.add(new Sample(s.labels().withoutMetricName(), -s.value(), t));
        }
        return new InstantVector(checkUnique(out));
    }

    private Value call(Expr.Call c, long t) {
        List<Expr> args = c.args();
        return switch (c.function()) {
            case TIME -> new Scalar(t / 1000.0);
            case SCALAR_OF -> {
                List<Sample> v = vector(args.get(0), t);
                yield new Scalar(v.size() == 1 ? v.get(0).value() : Double.NaN);
            }
            case VECTOR -> new InstantVector(List.of(new Sample(Labels.EMPTY, scalar(args.get(0), t), t)));
            case ABS -> simple(args.get(0), t, Math::abs);
            case CEIL -> simple(args.get(0), t, Math::ceil);
            case FLOOR -> simple(args.get(0), t, Math::floor);
            case ROUND -> {
                double toNearest = args.size() > 1 ? scalar(args.get(1), t) : 1;
                double inverse = 1.0 / toNearest;
                yield simple(args.get(0), t, v -> Math.floor(v * inverse + 0.5) / inverse);
            }
            case CLAMP -> {
                double min = scalar(args.get(1), t);
                double max = scalar(args.get(2), t);
                if (max < min) {
                    vector(args.get(0), t);
                    yield new InstantVector(List.of());
                }
                yield simple(args.get(0), t, v -> GoMath.max(min, GoMath.min(max, v)));
            }
            case CLAMP_MIN -> {
                double min = scalar(args.get(1), t);
                yield simple(args.get(0), t, v -> GoMath.max(min, v));
            }
            case CLAMP_MAX -> {
                double max = scalar(args.get(1), t);
                yield simple(args.get(0), t, v -> GoMath.min(max, v));
            }
            case TIMESTAMP -> timestamp(args.get(0), t);
            case ABSENT -> {
                if (!vector(args.get(0), t).isEmpty()) {
                    yield new InstantVector(List.of());
                }
                yield new InstantVector(List.of(new Sample(absentLabels(args.get(0)), 1, t)));
            }
            case ABSENT_OVER_TIME -> {
                if (!selectRange((Expr.MatrixSelector) args.get(0), t).isEmpty()) {
                    yield new InstantVector(List.of());
                }
                yield new InstantVector(List.of(new Sample(absentLabels(args.get(0)), 1, t)));
            }
            default -> new InstantVector(checkUnique(RangeFunctions.apply(c.function(), this, args, t)));
        };
    }

    /** {@code timestamp(selector)} reports each sample's own time; of anything else, the evaluation time. */
    private Value timestamp(Expr arg, long t) {
        Expr inner = arg;
        while (inner instanceof Expr.Paren p) {
            inner = p.inner();
        }
        boolean ownTime = inner instanceof Expr.VectorSelector;
        List<Sample> out = new ArrayList<>();
        for (Sample s : vector(arg, t)) {
            out.add(new Sample(s.labels().withoutMetricName(), (ownTime ? s.timestampMs() : t) / 1000.0, t));
        }
        return new InstantVector(checkUnique(out));
    }

    private Value simple(Expr arg, long t, java.util.function.DoubleUnaryOperator f) {
        List<Sample> out = new ArrayList<>();
        for (Sample s : vector(arg, t)) {
            out.add(new Sample(s.labels().withoutMetricName(), f.applyAsDouble(s.value()), t));
        }
        return new InstantVector(checkUnique(out));
    }

    /**
     * The labels {@code absent} reports: those of the selector's equality matchers, unless a
     * label also has another matcher (Prometheus' createLabelsForAbsentFunction, after the
     * engine unwrapped the argument's parentheses).
     */
    static Labels absentLabels(Expr arg) {
        while (arg instanceof Expr.Paren p) {
            arg = p.inner();
        }
        Expr.VectorSelector vs;
        if (arg instanceof Expr.VectorSelector v) {
            vs = v;
        } else if (arg instanceof Expr.MatrixSelector m) {
            vs = m.selector();
        } else {
            return Labels.EMPTY;
        }
        Labels out = Labels.EMPTY;
        List<String> ambiguous = new ArrayList<>();
        for (LabelMatcher m : vs.matchers()) {
            if (m.op() == LabelMatcher.Op.EQUAL && !out.has(m.name())) {
                out = out.with(m.name(), m.value());
            } else {
                ambiguous.add(m.name());
            }
        }
        return out.without(ambiguous);
    }

    // ---------------------------------------------------------------- aggregation

    private List<Sample> aggregate(Expr.Aggregate a, long t) {
        double param = a.param() == null ? Double.NaN : scalar(a.param(), t);
        List<Sample> in = vector(a.operand(), t);
        long k = 0;
        if (a.op() == AggregationOp.TOPK || a.op() == AggregationOp.BOTTOMK) {
            if (!(param <= 9.223372036854775807e18 && param >= -9.223372036854775808e18)) {
                throw new ExprEvaluationException("Scalar value " + param + " overflows int64");
            }
            k = (long) param;
            if (k < 1) {
                return List.of();
            }
        }
        Map<Labels, Group> groups = new LinkedHashMap<>();
        for (Sample s : in) {
            Labels key = a.without()
                    ? s.labels().without(a.grouping()).withoutMetricName()
                    : s.labels().keep(a.grouping());
            Group g = groups.get(key);
            if (g == null) {
                groups.put(key, new Group(a.op(), key, s));
                continue;
            }
            g.add(s, k);
        }
        List<Sample> out = new ArrayList<>();
        for (Group g : groups.values()) {
            switch (a.op()) {
                case TOPK, BOTTOMK -> {
                    List<Sample> sorted = new ArrayList<>(g.heap.items());
                    sorted.sort(a.op() == AggregationOp.TOPK ? TopHeap.DESCENDING : TopHeap.ASCENDING);
                    for (Sample s : sorted) {
                        out.add(new Sample(s.labels(), s.value(), t));
                    }
                }
                default -> out.add(new Sample(g.labels, g.result(param), t));
            }
        }
        return out;
    }

    /** One group of an aggregation, with Prometheus' running algorithms. */
    private static final class Group {
        final AggregationOp op;
        final Labels labels;
        double value;
        double mean;
        long count = 1;
        final List<Double> values = new ArrayList<>();
        TopHeap heap;

        Group(AggregationOp op, Labels labels, Sample first) {
            this.op = op;
            this.labels = labels;
            this.value = first.value();
            this.mean = first.value();
            switch (op) {
                case STDDEV -> value = 0;
                case QUANTILE -> values.add(first.value());
                case TOPK -> heap = new TopHeap(false, first);
                case BOTTOMK -> heap = new TopHeap(true, first);
                default -> {
                }
            }
        }

        void add(Sample s, long k) {
            double v = s.value();
            switch (op) {
                case SUM -> value += v;
                case AVG -> {
                    count++;
                    if (Double.isInfinite(mean)) {
                        if (Double.isInfinite(v) && (mean > 0) == (v > 0)) {
                            return;
                        }
                        if (!Double.isInfinite(v) && !Double.isNaN(v)) {
                            return;
                        }
                    }
                    mean += v / count - mean / count;
                }
                case COUNT -> count++;
                case MAX -> {
                    if (value < v || Double.isNaN(value)) {
                        value = v;
                    }
                }
                case MIN -> {
                    if (value > v || Double.isNaN(value)) {
                        value = v;
                    }
                }
                case STDDEV -> {
                    count++;
                    double delta = v - mean;
                    mean += delta / count;
                    value += delta * (v - mean);
                }
                case QUANTILE -> values.add(v);
                case TOPK, BOTTOMK -> heap.offer(s, k);
            }
        }

        double result(double param) {
            return switch (op) {
                case AVG -> mean;
                case COUNT -> count;
                case STDDEV -> Math.sqrt(value / count);
                case QUANTILE -> quantile(param, values);
                default -> value;
            };
        }
    }

    /** Prometheus' quantile: linear interpolation between the closest ranks; NaN sorts first. */
    static double quantile(double q, List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        if (q < 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (q > 1) {
            return Double.POSITIVE_INFINITY;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(TopHeap::compareNaNFirst);
        double n = sorted.size();
        double rank = q * (n - 1);
        double lower = Math.max(0, Math.floor(rank));
        double upper = Math.min(n - 1, lower + 1);
        double weight = rank - Math.floor(rank);
        return sorted.get((int) lower) * (1 - weight) + sorted.get((int) upper) * weight;
    }

    // ---------------------------------------------------------------- binary operators

    private Value binary(Expr.Binary b, long t) {
        Value l = eval(b.lhs(), t);
        Value r = eval(b.rhs(), t);
        if (l instanceof Scalar ls && r instanceof Scalar rs) {
            double v = scalarOp(b.op(), ls.value(), rs.value());
            if (b.op().isComparison()) {
                v = comparison(b.op(), ls.value(), rs.value()) ? 1 : 0;
            }
            return new Scalar(v);
        }
        if (l instanceof Scalar ls) {
            return new InstantVector(checkUnique(vectorScalar(b, ((InstantVector) r).samples(), ls.value(), true, t)));
        }
        if (r instanceof Scalar rs) {
            return new InstantVector(checkUnique(vectorScalar(b, ((InstantVector) l).samples(), rs.value(), false, t)));
        }
        List<Sample> lhs = ((InstantVector) l).samples();
        List<Sample> rhs = ((InstantVector) r).samples();
        List<Sample> out = switch (b.op()) {
            case AND -> and(lhs, rhs, b.matching(), true);
            case UNLESS -> and(lhs, rhs, b.matching(), false);
            case OR -> or(lhs, rhs, b.matching());
            default -> vectorVector(b, lhs, rhs, t);
        };
        return new InstantVector(checkUnique(out));
    }

    private static List<Sample> vectorScalar(Expr.Binary b, List<Sample> vec, double scalar, boolean scalarOnLeft, long t) {
        List<Sample> out = new ArrayList<>();
        for (Sample s : vec) {
            double lv = scalarOnLeft ? scalar : s.value();
            double rv = scalarOnLeft ? s.value() : scalar;
            double value = scalarOp(b.op(), lv, rv);
            boolean keep = true;
            if (b.op().isComparison()) {
                keep = comparison(b.op(), lv, rv);
                // The vector's value is kept, whichever side it is on.
                value = s.value();
            }
            if (b.returnBool()) {
                value = keep ? 1 : 0;
                keep = true;
            }
            if (keep) {
                Labels labels = dropsName(b.op()) || b.returnBool() ? s.labels().withoutMetricName() : s.labels();
                out.add(new Sample(labels, value, t));
            }
        }
        return out;
    }

    private List<Sample> vectorVector(Expr.Binary b, List<Sample> lhs, List<Sample> rhs, long t) {
        if (lhs.isEmpty() || rhs.isEmpty()) {
            // As Prometheus: nothing can match, so no many-to-many check either.
            return List.of();
        }
        VectorMatching m = b.matching();
        boolean swapped = m.card() == Cardinality.ONE_TO_MANY;
        List<Sample> many = swapped ? rhs : lhs;
        List<Sample> one = swapped ? lhs : rhs;
        Map<Labels, Sample> oneBySignature = new HashMap<>();
        for (Sample s : one) {
            Labels sig = signature(m, s.labels());
            Sample previous = oneBySignature.put(sig, s);
            if (previous != null) {
                throw new ExprEvaluationException("found duplicate series for the match group " + sig
                        + " on the " + (swapped ? "left" : "right") + " hand-side of the operation: [" + s.labels()
                        + ", " + previous.labels() + "];many-to-many matching not allowed: matching labels must be unique on one side");
            }
        }
        Map<Labels, Set<Labels>> matched = new HashMap<>();
        List<Sample> out = new ArrayList<>();
        for (Sample ls : many) {
            Labels sig = signature(m, ls.labels());
            Sample rs = oneBySignature.get(sig);
            if (rs == null) {
                continue;
            }
            double vl = swapped ? rs.value() : ls.value();
            double vr = swapped ? ls.value() : rs.value();
            double value = scalarOp(b.op(), vl, vr);
            boolean keep = true;
            if (b.op().isComparison()) {
                keep = comparison(b.op(), vl, vr);
                value = vl;
            }
            if (b.returnBool()) {
                value = keep ? 1 : 0;
            } else if (!keep) {
                continue;
            }
            Labels metric = resultLabels(ls.labels(), rs.labels(), b.op(), m);
            if (b.returnBool()) {
                metric = metric.withoutMetricName();
            }
            Set<Labels> inserted = matched.get(sig);
            if (m.card() == Cardinality.ONE_TO_ONE) {
                if (inserted != null) {
                    throw new ExprEvaluationException(
                            "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
                }
                matched.put(sig, Set.of());
            } else {
                if (inserted == null) {
                    inserted = new HashSet<>();
                    matched.put(sig, inserted);
                } else if (inserted.contains(metric)) {
                    throw new ExprEvaluationException("multiple matches for labels: grouping labels must ensure unique results");
                }
                inserted.add(metric);
            }
            out.add(new Sample(metric, value, t));
        }
        return out;
    }

    /** Prometheus' resultMetric: the "many" side's labels, trimmed by on/ignoring, plus group_x labels from the "one" side. */
    private static Labels resultLabels(Labels many, Labels one, BinaryOp op, VectorMatching m) {
        Labels out = dropsName(op) ? many.withoutMetricName() : many;
        if (m.card() == Cardinality.ONE_TO_ONE) {
            out = m.on() ? out.keep(m.matchingLabels()) : out.without(m.matchingLabels());
        }
        for (String name : m.include()) {
            out = out.with(name, one.get(name));
        }
        return out;
    }

    private static List<Sample> and(List<Sample> lhs, List<Sample> rhs, VectorMatching m, boolean keepMatches) {
        Set<Labels> right = new HashSet<>();
        for (Sample s : rhs) {
            right.add(signature(m, s.labels()));
        }
        List<Sample> out = new ArrayList<>();
        for (Sample s : lhs) {
            if (right.contains(signature(m, s.labels())) == keepMatches) {
                out.add(s);
            }
        }
        return out;
    }

    private static List<Sample> or(List<Sample> lhs, List<Sample> rhs, VectorMatching m) {
        Set<Labels> left = new HashSet<>();
        List<Sample> out = new ArrayList<>();
        for (Sample s : lhs) {
            left.add(signature(m, s.labels()));
            out.add(s);
        }
        for (Sample s : rhs) {
            if (!left.contains(signature(m, s.labels()))) {
                out.add(s);
            }
        }
        return out;
    }

    /** The labels two series are matched on: on(…) keeps those, otherwise all but ignoring(…) and the name. */
    private static Labels signature(VectorMatching m, Labels labels) {
        if (m.on()) {
            return labels.keep(m.matchingLabels());
        }
        return labels.without(m.matchingLabels()).withoutMetricName();
    }

    private static boolean dropsName(BinaryOp op) {
        return switch (op) {
            case ADD, SUB, MUL, DIV, MOD, POW -> true;
            default -> false;
        };
    }

    static double scalarOp(BinaryOp op, double l, double r) {
        return switch (op) {
            case ADD -> l + r;
            case SUB -> l - r;
            case MUL -> l * r;
            case DIV -> l / r;
            case MOD -> l % r;
            case POW -> GoMath.pow(l, r);
            default -> l;
        };
    }

    static boolean comparison(BinaryOp op, double l, double r) {
        return switch (op) {
            case EQL -> l == r;
            case NEQ -> l != r;
            case GTR -> l > r;
            case LSS -> l < r;
            case GTE -> l >= r;
            case LTE -> l <= r;
            default -> throw new IllegalArgumentException(op + " is not a comparison");
        };
    }

    /** As Prometheus: a result with two series of the same labels is an error, not a silent merge. */
    static List<Sample> checkUnique(List<Sample> samples) {
        if (samples.size() > 1) {
            Set<Labels> seen = new HashSet<>();
            for (Sample s : samples) {
                if (!seen.add(s.labels())) {
                    throw new ExprEvaluationException("vector cannot contain metrics with the same labelset");
                }
            }
        }
        return samples;
    }
}
