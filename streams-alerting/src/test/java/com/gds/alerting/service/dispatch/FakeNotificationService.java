package com.gds.alerting.service.dispatch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;

import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for gds_notification on a real socket: records every request and answers what the
 * test scripts (a status, headers, a body, optionally after a delay longer than the client's timeout).
 * Public for the console's end-to-end test, which follows notifications too.
 */
public final class FakeNotificationService implements AutoCloseable {

    /** One request as received, and the status it was answered with. */
    public record Request(String method, String path, Map<String, List<String>> headers, String body, Instant at, int status) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    /** What to answer. */
    public record Answer(int status, Map<String, String> headers, String body, long delayMillis) {
        public static Answer ok() {
            return new Answer(202, Map.of(), "{\"status\":\"accepted\"}", 0);
        }

        public static Answer status(int status, String body) {
            return new Answer(status, Map.of(), body, 0);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(16);
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile Function<String, Answer> script = body -> Answer.ok();

    public FakeNotificationService(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Answer answer = script.apply(body);
            if (answer.delayMillis() > 0) {
                try {
                    Thread.sleep(answer.delayMillis()); // the fake plays a slow service; not product logic
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    Map.copyOf(exchange.getRequestHeaders()), body, Instant.now(), answer.status()));
            answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    /** Answers each request with {@code script.apply(requestBody)}. */
    public void answer(Function<String, Answer> script) {
        this.script = script;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Requests answered with a 2xx. */
    public List<Request> delivered() {
        return requests.stream().filter(r -> r.status() >= 200 && r.status() < 300).toList();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
