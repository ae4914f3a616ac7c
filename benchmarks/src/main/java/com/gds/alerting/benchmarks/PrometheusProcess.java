package com.gds.alerting.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's Prometheus ({@code scripts/ensure-prometheus.sh} installs it) as a process of its own, scraping the
 * synthetic fleet every second and evaluating its rules every second: on 127.0.0.1 and a free port (never 9090),
 * with its own storage directory, its log in the work directory.
 */
final class PrometheusProcess implements AutoCloseable {

    private static final Pattern SCALAR = Pattern.compile("\"value\":\\[[^,]+,\"([^\"]+)\"\\]");

    private final Process process;
    private final String url;
    private final Path log;
    private final HttpClient http = HttpClient.newHttpClient();

    private PrometheusProcess(Process process, String url, Path log) {
        this.process = process;
        this.url = url;
        this.log = log;
    }

    /**
     * Makes sure Prometheus is installed, writes its configuration (one scrape job per database type of
     * {@code fleetUrl}'s pages, the fleet's rules) under {@code workDir} and starts it; returns once it is ready.
     */
    static PrometheusProcess start(Path repositoryRoot, Path workDir, SideBySideFleet fleet, String fleetUrl, int port)
            throws IOException, InterruptedException {
        ensureInstalled(repositoryRoot, workDir);
        Path rules = workDir.resolve("prometheus-rules.yml");
        Files.writeString(rules, fleet.prometheusRules());
        StringBuilder config = new StringBuilder("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n")
                .append("rule_files:\n  - ").append(rules).append("\nscrape_configs:\n");
        URI fleetUri = URI.create(fleetUrl);
        for (String type : SideBySideFleet.TYPES) {
            config.append("  - job_name: fleet-").append(type).append('\n')
                    .append("    metrics_path: /metrics/").append(type).append('\n')
                    .append("    static_configs:\n      - targets: ['").append(fleetUri.getHost()).append(':')
                    .append(fleetUri.getPort()).append("']\n");
        }
        Path configFile = workDir.resolve("prometheus.yml");
        Files.writeString(configFile, config);
        Path storage = Files.createTempDirectory(workDir, "prometheus-data");
        Path log = workDir.resolve("prometheus.log");
        String binary = System.getenv().getOrDefault("GDS_PROMETHEUS", "/usr/bin/prometheus");
        Process process = new ProcessBuilder(binary, "--config.file=" + configFile, "--storage.tsdb.path=" + storage,
                "--web.listen-address=127.0.0.1:" + port).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PrometheusProcess prometheus = new PrometheusProcess(process, "http://127.0.0.1:" + port, log);
        prometheus.awaitReady();
        return prometheus;
    }

    private static void ensureInstalled(Path repositoryRoot, Path workDir) throws IOException, InterruptedException {
        Path script = repositoryRoot.resolve("scripts/ensure-prometheus.sh");
        Path log = workDir.resolve("ensure-prometheus.log");
        Process ensure = new ProcessBuilder(script.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (ensure.waitFor() != 0) {
            throw new IOException(script + " failed (exit " + ensure.exitValue() + "): " + Files.readString(log).trim());
        }
    }

    long pid() {
        return process.pid();
    }

    /** Its own metrics page ({@code /metrics}). */
    String metrics() throws IOException, InterruptedException {
        return get("/metrics");
    }

    /** The value of an instant query that yields one sample (e.g. {@code count(up == 1)}); NaN when it yields none. */
    double query(String promql) throws IOException, InterruptedException {
        Matcher m = SCALAR.matcher(get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)));
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    /** Waits until {@code promql} yields at least {@code atLeast}; false when it did not within {@code timeout}. */
    boolean awaitQuery(String promql, double atLeast, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (query(promql) >= atLeast) {
                return true;
            }
            checkAlive();
            Thread.sleep(500);
        }
        return false;
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (true) {
            checkAlive();
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(url + "/-/ready")).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // Retried until the deadline: Prometheus opens its port a moment after it starts.
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("Prometheus not ready after 1 minute; its log: " + log);
            }
            Thread.sleep(200);
        }
    }

    private void checkAlive() throws IOException {
        if (!process.isAlive()) {
            List<String> tail = Files.readAllLines(log);
            throw new IOException("Prometheus exited with " + process.exitValue() + "; the end of its log (" + log + "):\n"
                    + String.join("\n", tail.subList(Math.max(0, tail.size() - 15), tail.size())));
        }
    }

    private String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + url + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
