package com.gds.alerting.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A {@link BrokerProcess} of this harness's classpath; stops when closed (its standard input closes). */
record BrokerHandle(Process process, String bootstrap) implements AutoCloseable {

    static BrokerHandle start(Path dir, String heap) throws IOException, InterruptedException {
        Path bootstrapFile = dir.resolve("broker.bootstrap");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap, "-cp",
                System.getProperty("java.class.path"), BrokerProcess.class.getName(), dir.resolve("broker").toString(),
                bootstrapFile.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("broker.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!Files.exists(bootstrapFile)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IOException("the broker process did not start; its log: " + dir.resolve("broker.log"));
            }
            Thread.sleep(100);
        }
        return new BrokerHandle(process, Files.readString(bootstrapFile).trim());
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
