package com.gds.alerting.service;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.avro.Schema;

import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.avro.serde.SchemaRegistryClient.RegisteredSchema;
import com.gds.alerting.avro.serde.SchemaRegistryException;

/**
 * A real HTTP server speaking the part of the Confluent Schema Registry REST API the serde uses,
 * over an in-memory registry of its own, on a free port: for tests in which another process (a
 * service started as a child JVM) must share schemas with the test. Records each request, so a
 * test can tell that the other process really used this registry. (The local stack's
 * {@code SchemaRegistryHttpServer} does the same for users; local-stack depends on this module.)
 */
public final class RestSchemaRegistry implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern VERSIONS = Pattern.compile("/subjects/([^/]+)/versions/?");
    private static final Pattern LATEST = Pattern.compile("/subjects/([^/]+)/versions/latest");
    private static final Pattern SUBJECT = Pattern.compile("/subjects/([^/]+)/?");
    private static final Pattern BY_ID = Pattern.compile("/schemas/ids/(\\d+)");

    private final String scope = "rest-registry-" + UUID.randomUUID();
    private final InMemorySchemaRegistry registry = InMemorySchemaRegistry.forScope(scope);
    private final HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    public RestSchemaRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@code http://localhost:<port>}. */
    public String url() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    /** The subjects registered so far. */
    public List<String> subjects() {
        return registry.subjects();
    }

    /** Every request so far, as {@code "METHOD /path"}. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = URLDecoder.decode(exchange.getRequestURI().getRawPath(), StandardCharsets.UTF_8);
            requests.add(method + " " + path);
            try {
                route(exchange, method, path);
            } catch (SchemaRegistryException e) {
                reply(exchange, e.status(), JSON.createObjectNode().put("error_code", e.errorCode()).put("message", e.getMessage()));
            }
        }
    }

    private void route(HttpExchange exchange, String method, String path) throws IOException {
        Matcher m;
        if (method.equals("POST") && (m = VERSIONS.matcher(path)).matches()) {
            reply(exchange, 200, JSON.createObjectNode().put("id", registry.register(m.group(1), schemaOf(exchange))));
        } else if (method.equals("GET") && (m = LATEST.matcher(path)).matches()) {
            reply(exchange, 200, describe(registry.latest(m.group(1))));
        } else if (method.equals("POST") && (m = SUBJECT.matcher(path)).matches()) {
            String subject = m.group(1);
            Schema schema = schemaOf(exchange);
            int id = registry.idOf(subject, schema);
            RegisteredSchema found = registry.versions(subject).stream().filter(v -> v.id() == id).findFirst().orElseThrow();
            reply(exchange, 200, describe(found));
        } else if (method.equals("GET") && (m = BY_ID.matcher(path)).matches()) {
            reply(exchange, 200, JSON.createObjectNode().put("schema", registry.schemaById(Integer.parseInt(m.group(1))).toString()));
        } else {
            reply(exchange, 404, JSON.createObjectNode().put("error_code", 404).put("message", "HTTP 404 Not Found"));
        }
    }

    private static Schema schemaOf(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return new Schema.Parser().parse(JSON.readTree(in).get("schema").asText());
        }
    }

    private static ObjectNode describe(RegisteredSchema s) {
        return JSON.createObjectNode().put("subject", s.subject()).put("version", s.version()).put("id", s.id())
                .put("schema", s.schema().toString());
    }

    private static void reply(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        InMemorySchemaRegistry.dropScope(scope);
    }
}
