package com.gds.alerting.importer.ops;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import com.gds.alerting.ops.PrometheusText;

/**
 * {@code GET /health} (200 while consuming and loading, 503 otherwise, with the state and the
 * last error as JSON written by Jackson) and {@code GET /metrics} (the Prometheus text of a
 * Micrometer registry: the importer's meters, the JVM's and the Kafka clients'), on the JDK's
 * HTTP server.
 */
public final class OpsHttpServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ImporterMetrics metrics;
    private final PrometheusMeterRegistry registry;
    private final String warehouse;

    /**
     * @param host      the address to listen on ({@code localhost}, say); empty = every interface
     * @param port      0 = any free port
     * @param registry  what {@code /metrics} shows ({@link ImporterMetrics#bindTo} and more)
     * @param warehouse what to show as the warehouse (no credentials)
     */
    public OpsHttpServer(String host, int port, ImporterMetrics metrics, PrometheusMeterRegistry registry, String warehouse) {
        this.metrics = metrics;
        this.registry = registry;
        this.warehouse = warehouse;
        try {
            server = HttpServer.create(host == null || host.isBlank() ? new InetSocketAddress(port)
                    : new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve /health and /metrics on port " + port
                    + " (in use? set importer.http.port, -1 turns it off)", e);
        }
        server.createContext("/health", this::health);
        server.createContext("/metrics", this::metrics);
        server.start();
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    private void health(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestMethod().equals("GET")) {
            send(exchange, 405, "text/plain", "GET only\n");
            return;
        }
        ImporterMetrics.State state = metrics.state();
        boolean up = state == ImporterMetrics.State.RUNNING;
        Instant last = metrics.lastBatchAt();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        body.put("state", state.name());
        body.put("warehouse", warehouse);
        body.put("lastBatchAt", last == null ? null : last.toString());
        body.put("lag", metrics.lag());
        body.put("lastError", metrics.lastError());
        send(exchange, up ? 200 : 503, "application/json", JSON.writeValueAsString(body) + "\n");
    }

    private void metrics(HttpExchange exchange) throws IOException {
        send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", PrometheusText.wholeNumbersAsIntegers(registry.scrape()));
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
