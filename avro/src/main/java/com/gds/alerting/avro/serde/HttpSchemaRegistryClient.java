package com.gds.alerting.avro.serde;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.common.config.ConfigException;

/**
 * A client for the Confluent Schema Registry REST API (also served by Apicurio, Karapace and
 * Redpanda): {@code POST /subjects/{s}/versions}, {@code POST /subjects/{s}}, {@code GET
 * /schemas/ids/{id}}, {@code GET /subjects/{s}/versions/latest}. Basic auth and TLS come from
 * {@link AvroSerdeConfig}. Several base URLs are tried in turn when one does not answer.
 *
 * <p>It does not cache; wrap it in {@link CachingSchemaRegistryClient}.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT =
            "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<URI> baseUris;
    private final String authorization;
    private final HttpClient http;
    private final Duration readTimeout;

    /** A client for the http(s) URLs of {@code config}. */
    public HttpSchemaRegistryClient(AvroSerdeConfig config) {
        List<String> urls = config.getList(AvroSerdeConfig.SCHEMA_REGISTRY_URL);
        this.baseUris = new ArrayList<>();
        String urlUserInfo = null;
        for (String url : urls) {
            URI uri = parse(url.trim());
            if (uri.getUserInfo() != null) {
                urlUserInfo = URLDecoder.decode(uri.getRawUserInfo(), StandardCharsets.UTF_8);
            }
            baseUris.add(withoutUserInfo(uri));
        }
        String userInfo = "URL".equals(config.getString(AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE))
                ? urlUserInfo
                : config.secret(AvroSerdeConfig.BASIC_AUTH_USER_INFO);
        this.authorization = userInfo == null ? null
                : "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
        this.readTimeout = Duration.ofMillis(config.getInt(AvroSerdeConfig.READ_TIMEOUT_MS));
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(Duration.ofMillis(config.getInt(AvroSerdeConfig.CONNECT_TIMEOUT_MS)))
                .version(HttpClient.Version.HTTP_1_1);
        if (baseUris.stream().anyMatch(u -> "https".equals(u.getScheme()))) {
            builder.sslContext(sslContext(config));
        }
        this.http = builder.build();
    }

    @Override
    public int register(String subject, Schema schema) {
        JsonNode body = send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
        return requiredInt(body, "id");
    }

    @Override
    public int idOf(String subject, Schema schema) {
        JsonNode body = send("POST", "/subjects/" + encode(subject), schemaBody(schema));
        return requiredInt(body, "id");
    }

    @Override
    public Schema schemaById(int id) {
        JsonNode body = send("GET", "/schemas/ids/" + id, null);
        return parseSchema(body, "schema id " + id);
    }

    @Override
    public RegisteredSchema latest(String subject) {
        JsonNode body = send("GET", "/subjects/" + encode(subject) + "/versions/latest", null);
        return new RegisteredSchema(subject, requiredInt(body, "version"), requiredInt(body, "id"),
                parseSchema(body, "latest version of subject '" + subject + "'"));
    }

    @Override
    public String location() {
        return baseUris.size() == 1 ? baseUris.get(0).toString() : baseUris.toString();
    }

    private JsonNode send(String method, String path, String body) {
        SchemaRegistryException unreachable = null;
        for (URI base : baseUris) {
            URI uri = URI.create(stripSlash(base.toString()) + path);
            HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                    .timeout(readTimeout)
                    .header("Accept", ACCEPT)
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
            if (body != null) {
                request.header("Content-Type", CONTENT_TYPE);
            }
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            HttpResponse<String> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                unreachable = SchemaRegistryException.unreachable(base.toString(), e);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw SchemaRegistryException.unreachable(base.toString(), e);
            }
            return readResponse(base.toString(), method + " " + path, response);
        }
        throw unreachable;
    }

    private static JsonNode readResponse(String location, String what, HttpResponse<String> response) {
        int status = response.statusCode();
        JsonNode json;
        try {
            json = response.body() == null || response.body().isBlank() ? null : JSON.readTree(response.body());
        } catch (IOException e) {
            json = null;
        }
        if (status >= 200 && status < 300) {
            if (json == null) {
                throw new SchemaRegistryException(location, status, 0, what + " returned a body that is not JSON: "
                        + abbreviate(response.body()));
            }
            return json;
        }
        int errorCode = json != null && json.path("error_code").canConvertToInt() ? json.path("error_code").asInt() : 0;
        String message = json != null && json.hasNonNull("message") ? json.get("message").asText()
                : abbreviate(response.body());
        throw new SchemaRegistryException(location, status, errorCode, what + ": " + message);
    }

    private String schemaBody(Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString()).toString();
    }

    private Schema parseSchema(JsonNode body, String what) {
        JsonNode schema = body.get("schema");
        if (schema == null || !schema.isTextual()) {
            throw new SchemaRegistryException(location(), 200, 0, "the answer for " + what + " has no schema");
        }
        try {
            return new Schema.Parser().parse(schema.asText());
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException(location(), 200, 0,
                    "the schema returned for " + what + " is not a valid Avro schema: " + e.getMessage());
        }
    }

    private int requiredInt(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.canConvertToInt()) {
            throw new SchemaRegistryException(location(), 200, 0, "the answer has no integer '" + field + "': " + body);
        }
        return value.asInt();
    }

    private static URI parse(String url) {
        try {
            URI uri = URI.create(url);
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("no host");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url, "not a valid URL: " + e.getMessage());
        }
    }

    private static URI withoutUserInfo(URI uri) {
        try {
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null);
        } catch (java.net.URISyntaxException e) {
            throw new ConfigException(AvroSerdeConfig.SCHEMA_REGISTRY_URL, uri.toString(), e.getMessage());
        }
    }

    private static SSLContext sslContext(AvroSerdeConfig config) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            TrustManagerFactory tmf = null;
            String trustStore = config.getString(AvroSerdeConfig.SSL_TRUSTSTORE_LOCATION);
            if (trustStore != null) {
                KeyStore ks = load(AvroSerdeConfig.SSL_TRUSTSTORE_LOCATION, trustStore,
                        config.getString(AvroSerdeConfig.SSL_TRUSTSTORE_TYPE),
                        config.secret(AvroSerdeConfig.SSL_TRUSTSTORE_PASSWORD));
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ks);
            }
            KeyManagerFactory kmf = null;
            String keyStore = config.getString(AvroSerdeConfig.SSL_KEYSTORE_LOCATION);
            if (keyStore != null) {
                String storePassword = config.secret(AvroSerdeConfig.SSL_KEYSTORE_PASSWORD);
                KeyStore ks = load(AvroSerdeConfig.SSL_KEYSTORE_LOCATION, keyStore,
                        config.getString(AvroSerdeConfig.SSL_KEYSTORE_TYPE), storePassword);
                String keyPassword = config.secret(AvroSerdeConfig.SSL_KEY_PASSWORD);
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, chars(keyPassword != null ? keyPassword : storePassword));
            }
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new ConfigException("cannot set up TLS for the schema registry: " + e.getMessage());
        }
    }

    private static KeyStore load(String key, String location, String type, String password) {
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            KeyStore ks = KeyStore.getInstance(type);
            ks.load(in, chars(password));
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(key, location, "cannot load the " + type + " store: " + e.getMessage());
        }
    }

    private static char[] chars(String s) {
        return s == null ? null : s.toCharArray();
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "(no body)";
        }
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }
}
