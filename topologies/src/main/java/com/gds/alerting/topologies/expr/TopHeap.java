package com.gds.alerting.topologies.expr;

import com.gds.alerting.topologies.expr.Value.Sample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * topk/bottomk's bounded heap, a port of Prometheus' use of Go's container/heap: which of several
 * equal values is kept depends on the heap's sift order, so the port keeps that order exactly.
 */
final class TopHeap {

    static final Comparator<Sample> DESCENDING = (a, b) -> compareNaNFirst(b.value(), a.value());
    static final Comparator<Sample> ASCENDING = (a, b) -> compareNaNFirst(a.value(), b.value());

    private final boolean reverse;
    private final List<Sample> items = new ArrayList<>();

    TopHeap(boolean reverse, Sample first) {
        this.reverse = reverse;
        items.add(first);
    }

    static int compareNaNFirst(double a, double b) {
        if (Double.isNaN(a)) {
            return Double.isNaN(b) ? 0 : -1;
        }
        if (Double.isNaN(b)) {
            return 1;
        }
        return Double.compare(a, b) == 0 || a == b ? 0 : (a < b ? -1 : 1);
    }

    List<Sample> items() {
        return items;
    }

    /** topk keeps the smallest at the root (to evict it); bottomk the largest. */
    private boolean less(int i, int j) {
        double vi = items.get(i).value();
        double vj = items.get(j).value();
        if (Double.isNaN(vi)) {
            return true;
        }
        return reverse ? vi > vj : vi < vj;
    }

    void offer(Sample s, long k) {
        if (items.size() < k) {
            items.add(s);
            up(items.size() - 1);
            return;
        }
        double root = items.get(0).value();
        boolean better = reverse ? root > s.value() : root < s.value();
        if (better || (Double.isNaN(root) && !Double.isNaN(s.value()))) {
            items.set(0, s);
            if (k > 1) {
                if (!down(0, items.size())) {
                    up(0);
                }
            }
        }
    }

    private void up(int j) {
        while (true) {
            int i = (j - 1) / 2;
            if (i == j || !less(j, i)) {
                break;
            }
            swap(i, j);
            j = i;
        }
    }

    private boolean down(int i0, int n) {
        int i = i0;
        while (true) {
            int j1 = 2 * i + 1;
            if (j1 >= n || j1 < 0) {
                break;
            }
            int j = j1;
            int j2 = j1 + 1;
            if (j2 < n && less(j2, j1)) {
                j = j2;
            }
            if (!less(j, i)) {
                break;
            }
            swap(i, j);
            i = j;
        }
        return i > i0;
    }

    private void swap(int i, int j) {
        Sample t = items.get(i);
        items.set(i, items.get(j));
        items.set(j, t);
    }
}
