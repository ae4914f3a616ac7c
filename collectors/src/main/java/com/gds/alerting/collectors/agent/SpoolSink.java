package com.gds.alerting.collectors.agent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.collectors.spool.DiskSpool;
import com.gds.alerting.collectors.spool.SpoolRecord;
import com.gds.alerting.contract.GdsTopics;

/**
 * Writes each cycle to the spool, addressed to {@code gds.metrics.<database_type>.<environment>}
 * and keyed by {@code instance_id}. When the spool is full the records are dropped (the spool
 * counts them) and one line per interval says how many.
 */
public final class SpoolSink implements MetricSink {

    private static final Logger LOG = LoggerFactory.getLogger(SpoolSink.class);
    private static final Duration REPORT_EVERY = Duration.ofMinutes(1);

    private final DiskSpool spool;
    private final GdsTopics topics;
    private final Clock clock;
    private Instant lastReport = Instant.EPOCH;
    private long droppedAtLastReport;

    public SpoolSink(DiskSpool spool, GdsTopics topics, Clock clock) {
        this.spool = spool;
        this.topics = topics;
        this.clock = clock;
    }

    @Override
    public void accept(List<Metric> metrics) {
        List<SpoolRecord> records = new ArrayList<>(metrics.size());
        for (Metric m : metrics) {
            String topic = topics.metricsTopic(m.getDatabaseType(), m.getTags().get("environment"));
            records.add(new SpoolRecord(topic, m.getInstanceId(), m));
        }
        if (spool.append(records) < records.size()) {
            reportDrops();
        }
    }

    private synchronized void reportDrops() {
        Instant now = clock.instant();
        if (Duration.between(lastReport, now).compareTo(REPORT_EVERY) >= 0) {
            long dropped = spool.droppedCount();
            LOG.error("the spool is full ({} of {} bytes): dropped {} metrics since the last report, {} in all. "
                    + "Kafka has been unreachable too long, or the spool is too small (agent.spool_max_bytes)",
                    spool.liveBytes(), spool.maxBytes(), dropped - droppedAtLastReport, dropped);
            droppedAtLastReport = dropped;
            lastReport = now;
        }
    }
}
