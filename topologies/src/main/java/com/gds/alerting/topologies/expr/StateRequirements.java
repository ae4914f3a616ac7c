package com.gds.alerting.topologies.expr;

import java.util.ArrayList;
import java.util.List;

/**
 * What an expression needs to be evaluated at any instant: per selector, how far back from the
 * evaluation time its samples must be kept. An instant selector needs {@code offset + lookback}
 * (the latest sample at most 5 minutes old), a range selector {@code offset + range}. This is
 * exactly the per-series state the topology keeps per (rule, instance); anything older can be
 * evicted without changing a result.
 */
public final class StateRequirements {

    /** One selector's need: the series it matches and how much history of them. */
    public record Need(String metricName, List<LabelMatcher> matchers, long retentionMs) {
    }

    private StateRequirements() {
    }

    public static List<Need> of(Expr expr, long lookbackMs) {
        List<Need> needs = new ArrayList<>();
        walk(expr, lookbackMs, needs);
        return needs;
    }

    /** The longest retention any selector of the expression needs. */
    public static long maxRetentionMs(Expr expr, long lookbackMs) {
        return of(expr, lookbackMs).stream().mapToLong(Need::retentionMs).max().orElse(0);
    }

    private static void walk(Expr e, long lookbackMs, List<Need> needs) {
        if (e instanceof Expr.VectorSelector vs) {
            needs.add(new Need(vs.metricName(), vs.matchers(), Math.max(0, vs.offsetMs()) + lookbackMs));
        } else if (e instanceof Expr.MatrixSelector ms) {
            needs.add(new Need(ms.selector().metricName(), ms.selector().matchers(),
                    Math.max(0, ms.selector().offsetMs()) + ms.rangeMs()));
        } else if (e instanceof Expr.Paren p) {
            walk(p.inner(), lookbackMs, needs);
        } else if (e instanceof Expr.Unary u) {
            walk(u.operand(), lookbackMs, needs);
        } else if (e instanceof Expr.Call c) {
            c.args().forEach(a -> walk(a, lookbackMs, needs));
        } else if (e instanceof Expr.Aggregate a) {
            if (a.param() != null) {
                walk(a.param(), lookbackMs, needs);
            }
            walk(a.operand(), lookbackMs, needs);
        } else if (e instanceof Expr.Binary b) {
            walk(b.lhs(), lookbackMs, needs);
            walk(b.rhs(), lookbackMs, needs);
        }
    }
}
