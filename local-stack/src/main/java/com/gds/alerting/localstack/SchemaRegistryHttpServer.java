package com.gds.alerting.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.avro.serde.SchemaRegistryClient.RegisteredSchema;
import com.gds.alerting.avro.serde.SchemaRegistryException;

/**
 * Serves the local stack's in-memory registry over the Confluent Schema Registry REST API, so
 * processes outside the stack (the rules CLI, kcat {@code -s value=avro -r ...}, a collector on
 * another terminal) use the same schemas. Read and register only; no compatibility settings,
 * no deletes. For the local stack, never for production.
 */
public final class SchemaRegistryHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryHttpServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final Pattern BY_ID = Pattern.compile("/schemas/ids/(\\d+)(/schema)?");
    private static final Pattern SUBJECTS = Pattern.compile("/subjects/?");
    private static final Pattern SUBJECT = Pattern.compile("/subjects/([^/]+)");
    private static final Pattern VERSIONS = Pattern.compile("/subjects/([^/]+)/versions/?");
    private static final Pattern VERSION = Pattern.compile("/subjects/([^/]+)/versions/(latest|-1|\\d+)(/schema)?");

    private final InMemorySchemaRegistry registry;
    private final HttpServer server;

    /** Starts serving {@code registry} on localhost:{@code port} (0 = a free port). */
    public SchemaRegistryHttpServer(InMemorySchemaRegistry registry, int port) throws IOException {
        this.registry = registry;
        this.server = HttpServer.create(new InetSocketAddress("localhost", port), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "schema-registry-http");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    /** {@code http://localhost:<port>}. */
    public String url() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = URLDecoder.decode(exchange.getRequestURI().getRawPath(), StandardCharsets.UTF_8);
            try {
                route(exchange, method, path);
            } catch (SchemaRegistryException e) {
                reply(exchange, e.status(), error(e.errorCode(), e.getMessage()));
            } catch (SchemaParseException | IllegalArgumentException e) {
                reply(exchange, 422, error(SchemaRegistryException.INVALID_SCHEMA, "Invalid schema: " + e.getMessage()));
            } catch (RuntimeException e) {
                LOG.warn("registry request {} {} failed", method, path, e);
                reply(exchange, 500, error(50001, "Error in the backend data store: " + e));
            }
        }
    }

    private void route(HttpExchange exchange, String method, String path) throws IOException {
        Matcher m;
        if (method.equals("GET") && (m = BY_ID.matcher(path)).matches()) {
            Schema schema = registry.schemaById(Integer.parseInt(m.group(1)));
            if (m.group(2) != null) {
                reply(exchange, 200, schema.toString());
            } else {
                reply(exchange, 200, JSON.createObjectNode().put("schema", schema.toString()).toString());
            }
        } else if (method.equals("GET") && SUBJECTS.matcher(path).matches()) {
            ArrayNode subjects = JSON.createArrayNode();
            registry.subjects().forEach(subjects::add);
            reply(exchange, 200, subjects.toString());
        } else if (method.equals("GET") && (m = VERSIONS.matcher(path)).matches()) {
            ArrayNode versions = JSON.createArrayNode();
            registry.versions(m.group(1)).forEach(v -> versions.add(v.version()));
            reply(exchange, 200, versions.toString());
        } else if (method.equals("GET") && (m = VERSION.matcher(path)).matches()) {
            RegisteredSchema version = version(m.group(1), m.group(2));
            reply(exchange, 200, m.group(3) != null ? version.schema().toString() : describe(version).toString());
        } else if (method.equals("POST") && (m = VERSIONS.matcher(path)).matches()) {
            int id = registry.register(m.group(1), schemaFrom(exchange));
            reply(exchange, 200, JSON.createObjectNode().put("id", id).toString());
        } else if (method.equals("POST") && (m = SUBJECT.matcher(path)).matches()) {
            String subject = m.group(1);
            Schema schema = schemaFrom(exchange);
            int id = registry.idOf(subject, schema);
            RegisteredSchema found = registry.versions(subject).stream().filter(v -> v.id() == id).findFirst().orElseThrow();
            reply(exchange, 200, describe(found).toString());
        } else {
            reply(exchange, 404, error(404, "HTTP 404 Not Found: " + method + " " + path));
        }
    }

    private RegisteredSchema version(String subject, String version) {
        if (version.equals("latest") || version.equals("-1")) {
            return registry.latest(subject);
        }
        List<RegisteredSchema> versions = registry.versions(subject);
        int n = Integer.parseInt(version);
        if (n < 1 || n > versions.size()) {
            throw new SchemaRegistryException(registry.location(), 404, SchemaRegistryException.VERSION_NOT_FOUND,
                    "Version " + version + " not found.");
        }
        return versions.get(n - 1);
    }

    private static ObjectNode describe(RegisteredSchema s) {
        return JSON.createObjectNode().put("subject", s.subject()).put("version", s.version()).put("id", s.id())
                .put("schema", s.schema().toString());
    }

    private static Schema schemaFrom(HttpExchange exchange) throws IOException {
        JsonNode body;
        try (InputStream in = exchange.getRequestBody()) {
            body = JSON.readTree(in);
        }
        if (body == null || !body.path("schema").isTextual()) {
            throw new IllegalArgumentException("the body must be {\"schema\": \"<Avro schema as a JSON string>\"}");
        }
        String type = body.path("schemaType").asText("AVRO");
        if (!type.equals("AVRO")) {
            throw new IllegalArgumentException("only AVRO schemas are supported, not " + type);
        }
        return new Schema.Parser().parse(body.get("schema").asText());
    }

    private static String error(int code, String message) {
        return JSON.createObjectNode().put("error_code", code).put("message", message).toString();
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        if (server.getExecutor() instanceof java.util.concurrent.ExecutorService pool) {
            pool.shutdownNow();
        }
    }
}
