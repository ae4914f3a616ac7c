package com.gds.alerting.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.streams.KafkaStreams;

import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;

/** Starting the real service inside a test, on the in-process broker. */
public final class TestServices {

    private TestServices() {
    }

    /**
     * The properties every service instance in a test needs: a free HTTP port that is also its
     * advertised address, a fresh state directory under {@code target/}, the broker and the registry.
     * The caller adds auth, dispatcher and client settings. The watchdog and the self-monitor are
     * off (they add notifications, rules and a topic a test does not expect); a test of them turns
     * them on.
     */
    public static Map<String, Object> properties(String bootstrapServers, String registryUrl, String name) {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
        Path state;
        try {
            state = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "state-" + name);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a state directory under target/", e);
        }
        Map<String, Object> props = new HashMap<>();
        props.put("micronaut.server.port", port);
        props.put("gds.alerting.advertised-address", "localhost:" + port);
        props.put("gds.alerting.state-dir", state.toString());
        props.put("gds.serde.schema.registry.url", registryUrl);
        props.put("kafka.bootstrap.servers", bootstrapServers);
        props.put("gds.watchdog.enabled", false);
        props.put("gds.self-monitor.enabled", false);
        return props;
    }

    public static ApplicationContext start(Map<String, Object> properties) {
        return ApplicationContext.run(EmbeddedServer.class, properties).getApplicationContext();
    }

    /**
     * Waits (at most 90 s) until every given service's streams are RUNNING. A service answers as
     * soon as it starts, but its stores answer 503 until the first rebalance (and any follow-up) is
     * over: a test that reads them right after a start or a join waits here first.
     */
    public static void awaitRunning(ApplicationContext... services) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!allRunning(services)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("streams not RUNNING within 90 s: " + Arrays.stream(services)
                        .map(s -> String.valueOf(s.getBean(KafkaStreams.class).state())).toList());
            }
            Thread.sleep(100);
        }
    }

    private static boolean allRunning(ApplicationContext... services) {
        return Arrays.stream(services).allMatch(s -> s.getBean(KafkaStreams.class).state() == KafkaStreams.State.RUNNING);
    }

    /** Closes each that is not null, in order, even when one fails; rethrows the first failure. */
    public static void closeAll(AutoCloseable... resources) throws Exception {
        Exception first = null;
        for (AutoCloseable resource : resources) {
            if (resource == null) {
                continue;
            }
            try {
                resource.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * The body of an error answer, an {@code application/problem+json} object, as a map. Read as text
     * (the request must name {@code String} as its error type): Micronaut's client decodes only
     * {@code application/json} error bodies into maps.
     */
    public static Map<String, Object> problem(HttpClientResponseException e) {
        String text = e.getResponse().getBody(String.class).orElse("");
        if (text.isEmpty()) {
            return Map.of();
        }
        try {
            return JsonMapper.createDefault().readValue(text, Argument.mapOf(String.class, Object.class));
        } catch (IOException ex) {
            throw new UncheckedIOException("not a JSON error body: " + text, ex);
        }
    }
}
