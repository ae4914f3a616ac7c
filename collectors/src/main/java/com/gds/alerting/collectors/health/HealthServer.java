package com.gds.alerting.collectors.health;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Executors;

import com.gds.alerting.collectors.agent.CollectorAgent;
import com.gds.alerting.collectors.agent.CycleOutcome;
import com.gds.alerting.collectors.agent.TargetCycle;
import com.gds.alerting.collectors.spool.SpoolForwarder;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The agent's own health over HTTP, on one small thread: {@code GET /health} (JSON; 200 when it
 * is delivering, 503 when the spool is over 90% full, its forwarder stopped, or a topic is parked
 * because it cannot be used: the JSON names the topic, the targets and the reason) and {@code GET
 * /metrics} (Prometheus text: cycles, targets up, spool bytes, deliveries, drops, failures).
 */
public final class HealthServer implements AutoCloseable {

    private final HttpServer server;
    private final CollectorAgent agent;

    public HealthServer(CollectorAgent agent, String bind, int port) {
        this.agent = agent;
        try {
            server = HttpServer.create(new InetSocketAddress(bind, port), 8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve /health on " + bind + ":" + port, e);
        }
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "health-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/health", ex -> respond(ex, healthy() ? 200 : 503, "application/json", healthJson()));
        server.createContext("/metrics", ex -> respond(ex, 200, "text/plain; version=0.0.4", metrics()));
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    boolean healthy() {
        return agent.spool().liveBytes() < agent.spool().maxBytes() * 0.9 && agent.forwarder().isRunning()
                && agent.forwarder().parkedTopics().isEmpty();
    }

    String healthJson() {
        int down = 0;
        for (TargetCycle c : agent.scheduler().cycles()) {
            CycleOutcome o = c.lastOutcome();
            down += o != null && !o.up() ? 1 : 0;
        }
        String lastError = agent.forwarder().lastError();
        return String.format(Locale.ROOT, "{\"status\":\"%s\",\"version\":\"%s\",\"targets\":%d,\"targets_down\":%d,"
                        + "\"spool_bytes\":%d,\"spool_max_bytes\":%d,\"spool_dropped\":%d,\"delivered\":%d,"
                        + "\"in_flight\":%d,\"last_delivery\":%s,\"last_kafka_error\":%s,\"undeliverable\":%s}",
                healthy() ? "UP" : "DEGRADED", CollectorAgent.version(), agent.scheduler().cycles().size(), down,
                agent.spool().liveBytes(), agent.spool().maxBytes(), agent.spool().droppedCount(),
                agent.forwarder().deliveredCount(), agent.forwarder().inFlight(),
                agent.forwarder().lastDelivery() == null ? "null" : "\"" + agent.forwarder().lastDelivery() + "\"",
                lastError == null ? "null" : json(lastError), undeliverable());
    }

    /** The parked topics: which targets' records are set aside, since when, and why. */
    private String undeliverable() {
        StringBuilder b = new StringBuilder("[");
        for (SpoolForwarder.ParkedTopic p : agent.forwarder().parkedTopics()) {
            if (b.length() > 1) {
                b.append(',');
            }
            b.append("{\"topic\":").append(json(p.topic())).append(",\"reason\":").append(json(p.reason()))
                    .append(",\"since\":").append(json(p.since().toString())).append(",\"records_parked\":").append(p.records())
                    .append(",\"targets\":[");
            boolean first = true;
            for (String instance : p.instances()) {
                b.append(first ? "" : ",").append(json(instance));
                first = false;
            }
            b.append("]}");
        }
        return b.append(']').toString();
    }

    private static String json(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "'") + "\"";
    }

    String metrics() {
        StringBuilder b = new StringBuilder();
        counter(b, "gds_collector_cycles_total", "Collection cycles finished.", agent.scheduler().completedCycles());
        counter(b, "gds_collector_cycles_abandoned_total", "Cycles abandoned for outliving their interval.",
                agent.scheduler().abandonedCycles());
        counter(b, "gds_collector_starts_late_total", "Cycle starts skipped because every worker was busy.",
                agent.scheduler().lateStarts());
        b.append("# HELP gds_collector_target_up Whether the target answered its last cycle.\n")
                .append("# TYPE gds_collector_target_up gauge\n");
        for (TargetCycle c : agent.scheduler().cycles()) {
            CycleOutcome o = c.lastOutcome();
            if (o != null) {
                b.append("gds_collector_target_up{instance_id=\"").append(c.target().instanceId()).append("\"} ")
                        .append(o.up() ? 1 : 0).append('\n');
            }
        }
        gauge(b, "gds_collector_spool_bytes", "Bytes of spool segments on disk.", agent.spool().liveBytes());
        gauge(b, "gds_collector_spool_max_bytes", "Spool bound.", agent.spool().maxBytes());
        counter(b, "gds_collector_spool_appended_total", "Metrics written to the spool.", agent.spool().appendedCount());
        counter(b, "gds_collector_spool_dropped_total", "Metrics dropped because the spool was full.", agent.spool().droppedCount());
        counter(b, "gds_collector_spool_corrupt_total", "Spooled metrics skipped as damaged.", agent.spool().corruptCount());
        counter(b, "gds_collector_delivered_total", "Metrics acknowledged by Kafka.", agent.forwarder().deliveredCount());
        counter(b, "gds_collector_undeliverable_total", "Metrics dropped as never sendable.", agent.forwarder().droppedCount());
        counter(b, "gds_collector_send_failures_total", "Failed sends (each retried).", agent.forwarder().failureCount());
        counter(b, "gds_collector_parked_total", "Metrics set aside in the dead-letter file because their topic cannot be used.",
                agent.forwarder().parkedCount());
        b.append("# HELP gds_collector_topic_parked Whether a topic's records are being set aside (1), with the reason.\n")
                .append("# TYPE gds_collector_topic_parked gauge\n");
        for (SpoolForwarder.ParkedTopic p : agent.forwarder().parkedTopics()) {
            b.append("gds_collector_topic_parked{topic=\"").append(p.topic()).append("\",reason=\"")
                    .append(p.reason().replace("\"", "'")).append("\"} 1\n");
        }
        java.lang.management.MemoryUsage heap = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        gauge(b, "gds_collector_jvm_heap_used_bytes", "Heap in use.", heap.getUsed());
        gauge(b, "gds_collector_jvm_heap_max_bytes", "Heap limit (-Xmx).", heap.getMax());
        gauge(b, "gds_collector_in_flight", "Metrics handed to the producer, not yet acknowledged.", agent.forwarder().inFlight());
        return b.toString();
    }

    private static void counter(StringBuilder b, String name, String help, long value) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" counter\n").append(name).append(' ').append(value).append('\n');
    }

    private static void gauge(StringBuilder b, String name, String help, long value) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" gauge\n").append(name).append(' ').append(value).append('\n');
    }

    private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
