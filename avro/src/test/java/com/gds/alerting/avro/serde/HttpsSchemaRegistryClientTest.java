package com.gds.alerting.avro.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry client over TLS, with the trust store from configuration, against a real HTTPS server. */
class HttpsSchemaRegistryClientTest {

    private static final String PASSWORD = "changeit";

    @Test
    void trustsTheConfiguredStoreAndRefusesAnUnknownCertificate(@TempDir Path dir) throws Exception {
        Path keyStore = dir.resolve("registry.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "registry", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost", "-storetype", "PKCS12",
                "-keystore", keyStore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0,
                new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8));

        HttpsServer server = HttpsServer.create(new InetSocketAddress("localhost", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverContext(keyStore)));
        server.createContext("/schemas/ids/1", exchange -> {
            byte[] body = ("{\"schema\":" + com.fasterxml.jackson.databind.node.TextNode
                    .valueOf(com.gds.alerting.avro.Metric.getClassSchema().toString()) + "}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            String url = "https://localhost:" + server.getAddress().getPort();
            Map<String, Object> config = new HashMap<>();
            config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url);

            SchemaRegistryException untrusted = assertThrows(SchemaRegistryException.class,
                    () -> new HttpSchemaRegistryClient(new AvroSerdeConfig(config)).schemaById(1));
            assertTrue(untrusted.getMessage().contains(url) && untrusted.getMessage().contains("unreachable"),
                    untrusted.getMessage());

            config.put(AvroSerdeConfig.SSL_TRUSTSTORE_LOCATION, keyStore.toString());
            config.put(AvroSerdeConfig.SSL_TRUSTSTORE_PASSWORD, PASSWORD);
            assertEquals(com.gds.alerting.avro.Metric.getClassSchema(),
                    new HttpSchemaRegistryClient(new AvroSerdeConfig(config)).schemaById(1));

            config.put(AvroSerdeConfig.SSL_TRUSTSTORE_LOCATION, dir.resolve("missing.p12").toString());
            ConfigException missing = assertThrows(ConfigException.class,
                    () -> new HttpSchemaRegistryClient(new AvroSerdeConfig(config)));
            assertTrue(missing.getMessage().contains("missing.p12")
                    && missing.getMessage().contains(AvroSerdeConfig.SSL_TRUSTSTORE_LOCATION), missing.getMessage());
        } finally {
            server.stop(0);
        }
    }

    private static SSLContext serverContext(Path keyStore) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }
}
