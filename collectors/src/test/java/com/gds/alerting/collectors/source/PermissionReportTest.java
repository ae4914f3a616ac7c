package com.gds.alerting.collectors.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/** The one shape every collector gives its missing grants, and the one log line per change. */
class PermissionReportTest {

    private static final PermissionReport.Missing VSS = new PermissionReport.Missing("VIEW SERVER STATE",
            "connections are", "GRANT VIEW SERVER STATE TO [m]");
    private static final PermissionReport.Missing MSDB = new PermissionReport.Missing("msdb.dbo.backupset",
            "backup ages are", "GRANT SELECT ON dbo.backupset TO [m]");

    private final Logger logger = (Logger) LoggerFactory.getLogger(PermissionReportTest.class);
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void capture() {
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void release() {
        logger.detachAppender(log);
    }

    @Test
    void missingGrantsAreOneZeroSampleNamingEachAndOneWarnPerChange() {
        PermissionReport report = new PermissionReport("sql-prod-01", PermissionReportTest.class);
        List<Sample> first = new ArrayList<>();
        report.report("m", List.of(VSS, MSDB), first);
        report.report("m", List.of(VSS, MSDB), new ArrayList<>());
        assertEquals(List.of(new Sample(PermissionReport.METRIC, 0, Map.of("missing", "VIEW SERVER STATE,msdb.dbo.backupset"), null)),
                first);
        List<ILoggingEvent> warns = log.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
        assertEquals(1, warns.size(), "not again while nothing changes");
        String line = warns.get(0).getFormattedMessage();
        assertTrue(line.contains("sql-prod-01") && line.contains("GRANT VIEW SERVER STATE TO [m]")
                && line.contains("GRANT SELECT ON dbo.backupset TO [m]"), line);

        List<Sample> fewer = new ArrayList<>();
        report.report("m", List.of(MSDB), fewer);
        assertEquals("msdb.dbo.backupset", fewer.get(0).tags().get("missing"));
        assertEquals(2, log.list.stream().filter(e -> e.getLevel() == Level.WARN).count(), "a change is logged");

        List<Sample> all = new ArrayList<>();
        report.report("m", List.of(), all);
        assertEquals(List.of(Sample.of(PermissionReport.METRIC, 1)), all);
        assertEquals(1, log.list.stream().filter(e -> e.getLevel() == Level.INFO).count(), "the grants came back");
    }

    @Test
    void aTargetWithEveryGrantFromTheStartLogsNothing() {
        List<Sample> out = new ArrayList<>();
        new PermissionReport("pg-01", PermissionReportTest.class).report("monitor", List.of(), out);
        assertEquals(1, out.get(0).value());
        assertTrue(log.list.isEmpty(), log.list.toString());
    }
}
