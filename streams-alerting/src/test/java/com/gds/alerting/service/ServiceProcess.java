package com.gds.alerting.service;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The service as a user starts it: {@code java com.gds.alerting.service.Application} in a JVM of
 * its own, configured by the environment variables given and nothing else (the variables of this
 * JVM that could configure it are removed, and no {@code -D} is passed). Its output goes to a file.
 */
public final class ServiceProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private ServiceProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts the service with exactly {@code environment} as its configuration. */
    public static ServiceProcess start(Map<String, String> environment, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "com.gds.alerting.service.Application"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .directory(new File(System.getProperty("user.dir")));
        builder.environment().keySet().removeIf(name -> name.startsWith("KAFKA_") || name.startsWith("GDS_")
                || name.startsWith("MICRONAUT_") || name.startsWith("JAVA_TOOL_OPTIONS") || name.startsWith("JDK_JAVA_OPTIONS"));
        builder.environment().putAll(environment);
        Files.createDirectories(log.toAbsolutePath().getParent());
        return new ServiceProcess(builder.start(), log);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** What the service printed so far. */
    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** The last {@code lines} lines of its output, for failure messages. */
    public String tail(int lines) {
        List<String> all = output().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** SIGTERM (the service closes its streams cleanly), then a kill if it has not exited in 30 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
