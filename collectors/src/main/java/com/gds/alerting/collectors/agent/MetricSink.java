package com.gds.alerting.collectors.agent;

import java.util.List;

import com.gds.alerting.avro.Metric;

/** Where a cycle's metrics go: the spool in the agent, a list in tests. */
@FunctionalInterface
public interface MetricSink {

    /** Takes one cycle's metrics of one instance, in order. */
    void accept(List<Metric> metrics);
}
