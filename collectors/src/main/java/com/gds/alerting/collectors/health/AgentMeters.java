package com.gds.alerting.collectors.health;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

import com.gds.alerting.collectors.agent.CollectorAgent;
import com.gds.alerting.collectors.agent.CycleOutcome;
import com.gds.alerting.collectors.agent.TargetCycle;
import com.gds.alerting.collectors.spool.SpoolForwarder;

/**
 * The agent's own meters, under the names {@code /metrics} has always had (docs/collectors.md).
 * Each reads the agent's counters when scraped; {@link #refresh()} updates the per-target and
 * per-topic gauges, whose rows come and go.
 */
final class AgentMeters {

    private final CollectorAgent agent;
    private final MultiGauge targetUp;
    private final MultiGauge topicParked;

    AgentMeters(CollectorAgent agent, MeterRegistry registry) {
        this.agent = agent;
        counter(registry, "gds_collector_cycles_total", "Collection cycles finished.", a -> a.scheduler().completedCycles());
        counter(registry, "gds_collector_cycles_abandoned_total", "Cycles abandoned for outliving their interval.",
                a -> a.scheduler().abandonedCycles());
        counter(registry, "gds_collector_starts_late_total", "Cycle starts skipped because every worker was busy.",
                a -> a.scheduler().lateStarts());
        gauge(registry, "gds_collector_spool_bytes", "Bytes of spool segments on disk.", a -> a.spool().liveBytes());
        gauge(registry, "gds_collector_spool_max_bytes", "Spool bound.", a -> a.spool().maxBytes());
        counter(registry, "gds_collector_spool_appended_total", "Metrics written to the spool.", a -> a.spool().appendedCount());
        counter(registry, "gds_collector_spool_dropped_total", "Metrics dropped because the spool was full.",
                a -> a.spool().droppedCount());
        counter(registry, "gds_collector_spool_corrupt_total", "Spooled metrics skipped as damaged.", a -> a.spool().corruptCount());
        counter(registry, "gds_collector_delivered_total", "Metrics acknowledged by Kafka.", a -> a.forwarder().deliveredCount());
        counter(registry, "gds_collector_undeliverable_total", "Metrics dropped as never sendable.",
                a -> a.forwarder().droppedCount());
        counter(registry, "gds_collector_send_failures_total", "Failed sends (each retried).", a -> a.forwarder().failureCount());
        counter(registry, "gds_collector_parked_total",
                "Metrics set aside in the dead-letter file because their topic cannot be used.", a -> a.forwarder().parkedCount());
        gauge(registry, "gds_collector_in_flight", "Metrics handed to the producer, not yet acknowledged.",
                a -> a.forwarder().inFlight());
        // Kept beside Micrometer's jvm_memory_* for the dashboards and scripts that read them.
        gauge(registry, "gds_collector_jvm_heap_used_bytes", "Heap in use.",
                a -> ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        gauge(registry, "gds_collector_jvm_heap_max_bytes", "Heap limit (-Xmx).",
                a -> ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax());
        targetUp = MultiGauge.builder("gds_collector_target_up").description("Whether the target answered its last cycle.")
                .register(registry);
        topicParked = MultiGauge.builder("gds_collector_topic_parked")
                .description("Whether a topic's records are being set aside (1), with the reason.").register(registry);
    }

    /** Rows for the targets that have finished a cycle and for the topics parked now. */
    void refresh() {
        List<MultiGauge.Row<?>> up = new ArrayList<>();
        for (TargetCycle c : agent.scheduler().cycles()) {
            CycleOutcome o = c.lastOutcome();
            if (o != null) {
                up.add(MultiGauge.Row.of(Tags.of("instance_id", c.target().instanceId()), o.up() ? 1 : 0));
            }
        }
        targetUp.register(up, true);
        List<MultiGauge.Row<?>> parked = new ArrayList<>();
        for (SpoolForwarder.ParkedTopic p : agent.forwarder().parkedTopics()) {
            parked.add(MultiGauge.Row.of(Tags.of("topic", p.topic(), "reason", p.reason()), 1));
        }
        topicParked.register(parked, true);
    }

    private void counter(MeterRegistry registry, String name, String help, ToDoubleFunction<CollectorAgent> value) {
        FunctionCounter.builder(name, agent, value).description(help).register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String help, ToDoubleFunction<CollectorAgent> value) {
        Gauge.builder(name, agent, value).description(help).strongReference(true).register(registry);
    }
}
