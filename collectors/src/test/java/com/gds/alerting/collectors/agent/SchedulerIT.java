package com.gds.alerting.collectors.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.collectors.Await;
import com.gds.alerting.collectors.TestConfigs;
import com.gds.alerting.collectors.TestPostgres;
import com.gds.alerting.collectors.config.CollectorsConfig;
import com.gds.alerting.collectors.config.TargetConfig;

/** The scheduler and cycles against real PostgreSQL servers, one of them stopped mid-run, one that never answers. */
class SchedulerIT {

    private static TestPostgres healthy;
    private static ServerSocket silent;
    private static final List<Socket> accepted = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void start() throws IOException {
        healthy = TestPostgres.start(50);
        // Accepts connections and never says a word: a database wedged mid-handshake.
        silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!silent.isClosed()) {
                try {
                    accepted.add(silent.accept());
                } catch (IOException closed) {
                    return;
                }
            }
        }, "silent-db");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterAll
    static void stop() throws IOException {
        healthy.close();
        silent.close();
        for (Socket s : accepted) {
            s.close();
        }
    }

    @Test
    void aStoppedDatabaseReportsUpZeroAndTheOthersCarryOn(@TempDir Path dir) throws Exception {
        TestPostgres doomed = TestPostgres.start(20);
        CollectorsConfig config = TestConfigs.parse("""
                kafka: {bootstrap.servers: "localhost:1"}
                schema_registry: {schema.registry.url: "mem://scheduler-it"}
                targets:
                """ + TestConfigs.pgTarget("pg-healthy", "it", healthy.jdbcUrl(), "2s", "1s")
                + TestConfigs.pgTarget("pg-doomed", "it", doomed.jdbcUrl(), "2s", "1s")
                + TestConfigs.pgTarget("pg-silent", "it", "jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/x", "2s", "1s"),
                dir);
        List<Metric> published = new CopyOnWriteArrayList<>();
        CollectionScheduler scheduler = new CollectionScheduler(2, new Random(1));
        try {
            for (TargetConfig t : config.targets()) {
                scheduler.schedule(new TargetCycle(t, Collectors.create(t), published::addAll, Clock.systemUTC(),
                        System::nanoTime, "test"));
            }
            Await.until(Duration.ofSeconds(30), () -> ups(published, "pg-doomed", 1) >= 1,
                    () -> "pg-doomed never answered: " + published);
            doomed.close();
            int healthyBefore = ups(published, "pg-healthy", 1);
            Await.until(Duration.ofSeconds(30), () -> ups(published, "pg-doomed", 0) >= 2 && ups(published, "pg-silent", 0) >= 2,
                    () -> "the stopped and the silent database should report up = 0");
            // Two workers, two dead targets: the healthy one still gets its cycles.
            Await.until(Duration.ofSeconds(30), () -> ups(published, "pg-healthy", 1) >= healthyBefore + 3,
                    () -> "pg-healthy stopped being collected while others were down");
            assertEquals(0, ups(published, "pg-healthy", 0), "the healthy target never reported down");
            assertEquals(0, ups(published, "pg-silent", 1), "the silent target never reported up");
            Metric down = published.stream().filter(m -> m.getInstanceId().equals("pg-doomed")
                    && m.getMetricName().equals("up") && m.getValue() == 0).findFirst().orElseThrow();
            long sameCycle = published.stream()
                    .filter(m -> m.getMetadata().getCorrelationId().equals(down.getMetadata().getCorrelationId())).count();
            assertEquals(3, sameCycle, "a cycle without an answer publishes up, collection_duration_ms and collection_failed only");
            assertTrue(published.stream().anyMatch(m -> m.getMetadata().getCorrelationId().equals(down.getMetadata().getCorrelationId())
                    && m.getMetricName().equals(TargetCycle.COLLECTION_FAILED) && m.getTags().containsKey("reason")));
            assertTrue(published.stream().filter(m -> m.getInstanceId().equals("pg-healthy"))
                    .allMatch(m -> "it".equals(m.getTags().get("environment"))), "environment tag on every metric");
        } finally {
            scheduler.close();
        }
    }

    private static int ups(List<Metric> published, String instance, double value) {
        return (int) published.stream().filter(m -> m.getInstanceId().equals(instance) && m.getMetricName().equals("up")
                && m.getValue() == value).count();
    }
}
