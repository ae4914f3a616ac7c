package com.gds.alerting.avro.serde;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * A real HTTP server that answers like the Confluent Schema Registry REST API for the calls the
 * client makes, with Confluent's status codes and error bodies (40401 subject not found, 40403
 * schema not found, 409 incompatible, 401 unauthorized). Not a mock of our client: it parses
 * the requests the client sends over the wire.
 */
final class FakeConfluentRegistry implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern VERSIONS = Pattern.compile("/subjects/([^/]+)/versions");
    private static final Pattern LATEST = Pattern.compile("/subjects/([^/]+)/versions/latest");
    private static final Pattern SUBJECT = Pattern.compile("/subjects/([^/]+)");
    private static final Pattern BY_ID = Pattern.compile("/schemas/ids/(\\d+)");

    private final HttpServer server;
    private final String requiredAuthorization;
    private final List<Schema> schemas = new ArrayList<>();
    private final Map<String, List<Integer>> subjects = new LinkedHashMap<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<String> contentTypes = new CopyOnWriteArrayList<>();

    FakeConfluentRegistry(String requiredAuthorization) throws IOException {
        this.requiredAuthorization = requiredAuthorization;
        this.server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    private synchronized void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = URLDecoder.decode(exchange.getRequestURI().getRawPath(), StandardCharsets.UTF_8);
        requests.add(method + " " + path);
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType != null) {
            contentTypes.add(contentType);
        }
        try (exchange) {
            if (requiredAuthorization != null
                    && !requiredAuthorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                reply(exchange, 401, error(40101, "Unauthorized"));
                return;
            }
            Matcher m;
            if (method.equals("GET") && (m = BY_ID.matcher(path)).matches()) {
                int id = Integer.parseInt(m.group(1));
                if (id < 1 || id > schemas.size()) {
                    reply(exchange, 404, error(40403, "Schema " + id + " not found"));
                } else {
                    reply(exchange, 200, JSON.createObjectNode().put("schema", schemas.get(id - 1).toString()).toString());
                }
            } else if (method.equals("GET") && (m = LATEST.matcher(path)).matches()) {
                List<Integer> versions = subjects.get(m.group(1));
                if (versions == null) {
                    reply(exchange, 404, error(40401, "Subject '" + m.group(1) + "' not found."));
                } else {
                    int id = versions.get(versions.size() - 1);
                    reply(exchange, 200, JSON.createObjectNode().put("subject", m.group(1)).put("version", versions.size())
                            .put("id", id).put("schema", schemas.get(id - 1).toString()).toString());
                }
            } else if (method.equals("POST") && (m = VERSIONS.matcher(path)).matches()) {
                Schema schema = new Schema.Parser().parse(body(exchange).get("schema").asText());
                List<Integer> versions = subjects.computeIfAbsent(m.group(1), s -> new ArrayList<>());
                if (!versions.isEmpty()) {
                    Schema latest = schemas.get(versions.get(versions.size() - 1) - 1);
                    if (SchemaCompatibility.checkReaderWriterCompatibility(schema, latest).getType()
                            != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                        reply(exchange, 409, error(409, "Schema being registered is incompatible with an earlier schema for subject \""
                                + m.group(1) + "\""));
                        return;
                    }
                }
                int id = schemas.indexOf(schema) + 1;
                if (id == 0) {
                    schemas.add(schema);
                    id = schemas.size();
                }
                if (!versions.contains(id)) {
                    versions.add(id);
                }
                reply(exchange, 200, "{\"id\":" + id + "}");
            } else if (method.equals("POST") && (m = SUBJECT.matcher(path)).matches()) {
                Schema schema = new Schema.Parser().parse(body(exchange).get("schema").asText());
                List<Integer> versions = subjects.get(m.group(1));
                int id = schemas.indexOf(schema) + 1;
                if (versions == null) {
                    reply(exchange, 404, error(40401, "Subject '" + m.group(1) + "' not found."));
                } else if (id == 0 || !versions.contains(id)) {
                    reply(exchange, 404, error(40403, "Schema not found"));
                } else {
                    reply(exchange, 200, JSON.createObjectNode().put("subject", m.group(1))
                            .put("version", versions.indexOf(id) + 1).put("id", id).put("schema", schema.toString()).toString());
                }
            } else {
                reply(exchange, 404, error(404, "HTTP 404 Not Found"));
            }
        }
    }

    private static JsonNode body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return JSON.readTree(in);
        }
    }

    private static String error(int code, String message) {
        return JSON.createObjectNode().put("error_code", code).put("message", message).toString();
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
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
