package com.gds.alerting.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The alerting service as a process of its own: {@code java -jar} of its shaded jar
 * ({@code streams-alerting/target/gds-streams-alerting.jar}), configured by system properties, its output in a log
 * file. What a harness needs to measure it as an operator would: its pid (CPU and RSS from /proc), readiness and
 * its {@code /prometheus} page.
 */
final class ServiceProcess implements AutoCloseable {

    private final Process process;
    private final String url;
    private final Path log;
    private final HttpClient http = HttpClient.newHttpClient();

    private ServiceProcess(Process process, String url, Path log) {
        this.process = process;
        this.url = url;
        this.log = log;
    }

    /**
     * Starts {@code jar} with {@code javaOptions} (heap, JFR, …) and {@code properties} as {@code -D} options; HTTP
     * on {@code port}, output to {@code log}. Returns at once: {@link #awaitReady} waits for readiness.
     */
    static ServiceProcess launch(Path jar, List<String> javaOptions, Map<String, String> properties, int port, Path log)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(javaOptions);
        command.add("-Dmicronaut.server.port=" + port);
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(jar.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ServiceProcess(process, "http://localhost:" + port, log);
    }

    Process process() {
        return process;
    }

    long pid() {
        return process.pid();
    }

    /** Waits (at most {@code timeout}) until {@code /health/readiness} answers 200; throws when the process exits first. */
    void awaitReady(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (status("/health/readiness") != 200) {
            if (!process.isAlive()) {
                throw new IOException("service process " + process.pid() + " exited with " + process.exitValue() + "; its log: " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(url + " not ready after " + timeout.toSeconds() + " s; its log: " + log);
            }
            Thread.sleep(100);
        }
    }

    /** Its {@code /prometheus} page (Micrometer: the topology's counters, JVM and Kafka client figures). */
    String metrics() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/prometheus"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + url + "/prometheus answered " + response.statusCode());
        }
        return response.body();
    }

    private int status(String path) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException notListeningYet) {
            return -1;
        }
    }

    /** SIGTERM (the service leaves its group and closes its stores), then SIGKILL after 30 s. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
