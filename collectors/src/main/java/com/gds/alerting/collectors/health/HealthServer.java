package com.gds.alerting.collectors.health;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import com.gds.alerting.collectors.agent.CollectorAgent;
import com.gds.alerting.collectors.agent.CycleOutcome;
import com.gds.alerting.collectors.agent.TargetCycle;
import com.gds.alerting.collectors.spool.SpoolForwarder;
import com.gds.alerting.ops.PrometheusText;

/**
 * The agent's own health over HTTP, on one small thread: {@code GET /health} (JSON; 200 when it
 * is delivering, 503 when the spool is over 90% full, its forwarder stopped, or a topic is parked
 * because it cannot be used: the JSON names the topic, the targets and the reason) and {@code GET
 * /metrics} (Prometheus text from Micrometer: the agent's cycles, targets up, spool, deliveries,
 * drops and failures, the JVM's memory, GC, threads and CPU, and the Kafka producer's metrics).
 */
public final class HealthServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final CollectorAgent agent;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AgentMeters meters;
    private final List<AutoCloseable> binders = new ArrayList<>();

    public HealthServer(CollectorAgent agent, String bind, int port) {
        this.agent = agent;
        this.meters = new AgentMeters(agent, registry);
        bindJvmAndKafka();
        try {
            server = HttpServer.create(new InetSocketAddress(bind, port), 8);
        } catch (IOException e) {
            close(binders);
            throw new UncheckedIOException("cannot serve /health on " + bind + ":" + port, e);
        }
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "health-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/health", ex -> respond(ex, healthy() ? 200 : 503, "application/json", healthJson()));
        server.createContext("/metrics", ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics()));
        server.start();
    }

    private void bindJvmAndKafka() {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        binders.add(gc);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        KafkaClientMetrics producer = agent.forwarder().producerMetrics();
        producer.bindTo(registry);
        binders.add(producer);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Where further meters of the agent (a collector's own, say) go to appear on {@code /metrics}. */
    public MeterRegistry meterRegistry() {
        return registry;
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
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", healthy() ? "UP" : "DEGRADED");
        body.put("version", CollectorAgent.version());
        body.put("targets", agent.scheduler().cycles().size());
        body.put("targets_down", down);
        body.put("spool_bytes", agent.spool().liveBytes());
        body.put("spool_max_bytes", agent.spool().maxBytes());
        body.put("spool_dropped", agent.spool().droppedCount());
        body.put("delivered", agent.forwarder().deliveredCount());
        body.put("in_flight", agent.forwarder().inFlight());
        body.put("last_delivery", agent.forwarder().lastDelivery() == null ? null : agent.forwarder().lastDelivery().toString());
        body.put("last_kafka_error", agent.forwarder().lastError());
        body.put("undeliverable", undeliverable());
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings and numbers did not serialize", e);
        }
    }

    /** The parked topics: which targets' records are set aside, since when, and why. */
    private List<Map<String, Object>> undeliverable() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (SpoolForwarder.ParkedTopic p : agent.forwarder().parkedTopics()) {
            Map<String, Object> topic = new LinkedHashMap<>();
            topic.put("topic", p.topic());
            topic.put("reason", p.reason());
            topic.put("since", p.since().toString());
            topic.put("records_parked", p.records());
            topic.put("targets", List.copyOf(p.instances()));
            out.add(topic);
        }
        return out;
    }

    String metrics() {
        meters.refresh();
        return PrometheusText.wholeNumbersAsIntegers(registry.scrape());
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
        ((ExecutorService) server.getExecutor()).shutdownNow();
        close(binders);
        registry.close();
    }

    private static void close(List<AutoCloseable> binders) {
        for (AutoCloseable b : binders) {
            try {
                b.close();
            } catch (Exception e) {
                // Closing a meter binder only stops its refresh; nothing is lost.
                org.slf4j.LoggerFactory.getLogger(HealthServer.class).warn("closing {}: {}", b, e.toString());
            }
        }
    }
}
