package com.gds.alerting.collectors.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.collectors.TestConfigs;
import com.gds.alerting.collectors.TestPostgres;
import com.gds.alerting.collectors.config.CollectorsConfig;
import com.gds.alerting.collectors.config.TargetConfig;

/** A real PostgreSQL that demands a password: the right one works, a wrong one fails, neither is ever logged. */
class CredentialsIT {

    private static final String WRONG = "wr0ng-Pa55word-also-never-logged";

    @Test
    void passwordsNeverAppearInLogsErrorsOrMetrics(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("right.pw"), TestPostgres.MONITOR_PASSWORD);
        Files.writeString(dir.resolve("wrong.pw"), WRONG);
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        Level before = root.getLevel();
        root.setLevel(Level.DEBUG);
        try (TestPostgres pg = TestPostgres.withPasswordAuth(dir)) {
            String url = "jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres";
            CollectorsConfig config = TestConfigs.parse("""
                    kafka: {bootstrap.servers: "localhost:1"}
                    schema_registry: {schema.registry.url: "mem://credentials-it"}
                    targets:
                      - {type: postgresql, instance_id: right, environment: it, connection: {url: "%s"},
                         credentials: {username: monitor, password_file: right.pw}, interval: 5s, query_timeout: 2s}
                      - {type: postgresql, instance_id: wrong, environment: it, connection: {url: "%s"},
                         credentials: {username: monitor, password_file: wrong.pw}, interval: 5s, query_timeout: 2s}
                    """.formatted(url, url), dir);
            List<Metric> published = new CopyOnWriteArrayList<>();
            List<CycleOutcome> outcomes = new ArrayList<>();
            for (TargetConfig t : config.targets()) {
                TargetCycle cycle = new TargetCycle(t, Collectors.create(t), published::addAll, Clock.systemUTC(),
                        System::nanoTime, "test");
                outcomes.add(cycle.run());
                outcomes.add(cycle.run());
            }
            assertTrue(outcomes.get(0).up(), "the right password is accepted: " + outcomes.get(0).error());
            assertFalse(outcomes.get(2).up());
            assertTrue(outcomes.get(2).error().contains("password authentication failed"), outcomes.get(2).error());

            List<String> everything = new ArrayList<>();
            logs.list.forEach(e -> {
                everything.add(e.getFormattedMessage());
                if (e.getThrowableProxy() != null) {
                    everything.add(e.getThrowableProxy().getMessage());
                }
            });
            outcomes.forEach(o -> everything.add(String.valueOf(o.error())));
            published.forEach(m -> everything.add(m.toString()));
            everything.add(config.toString());
            config.targets().forEach(t -> everything.add(t.toString()));
            assertTrue(everything.stream().anyMatch(s -> s.contains("wrong (postgresql) is not answering")),
                    "the failure itself is logged");
            for (String s : everything) {
                assertFalse(s.contains(TestPostgres.MONITOR_PASSWORD) || s.contains(WRONG), "a password leaked: " + s);
            }
            assertEquals(0, published.stream().filter(m -> m.getInstanceId().equals("right") && m.getMetricName().equals("up")
                    && m.getValue() == 0).count(), "the right target is never down");
            assertEquals(2, published.stream().filter(m -> m.getInstanceId().equals("wrong")
                    && m.getMetricName().equals(TargetCycle.COLLECTION_FAILED) && "auth".equals(m.getTags().get("reason"))).count(),
                    "each of the wrong target's cycles says why: reason=auth");
        } finally {
            root.detachAppender(logs);
            root.setLevel(before);
        }
    }
}
