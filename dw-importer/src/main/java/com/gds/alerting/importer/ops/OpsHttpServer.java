package com.gds.alerting.importer.ops;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * {@code GET /health} (200 while consuming and loading, 503 otherwise, with the state and the
 * last error as JSON) and {@code GET /metrics} (Prometheus text format), on the JDK's HTTP server.
 */
public final class OpsHttpServer implements AutoCloseable {

    private final HttpServer server;
    private final ImporterMetrics metrics;
    private final String warehouse;

    /**
     * @param port      0 = any free port
     * @param warehouse what to show as the warehouse (no credentials)
     */
    public OpsHttpServer(int port, ImporterMetrics metrics, String warehouse) {
        this("", port, metrics, warehouse);
    }

    /**
     * @param host the address to listen on ({@code localhost}, say); empty = every interface
     * @param port 0 = any free port
     */
    public OpsHttpServer(String host, int port, ImporterMetrics metrics, String warehouse) {
        this.metrics = metrics;
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
        String body = "{\"status\":\"" + (up ? "UP" : "DOWN") + "\",\"state\":\"" + state + "\",\"warehouse\":"
                + quote(warehouse) + ",\"lastBatchAt\":" + (last == null ? "null" : quote(last.toString()))
                + ",\"lag\":" + metrics.lag() + ",\"lastError\":"
                + (metrics.lastError() == null ? "null" : quote(metrics.lastError())) + "}\n";
        send(exchange, up ? 200 : 503, "application/json", body);
    }

    private void metrics(HttpExchange exchange) throws IOException {
        send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.prometheus());
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> b.append(c < 0x20 ? ' ' : c);
            }
        }
        return b.append('"').toString();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
