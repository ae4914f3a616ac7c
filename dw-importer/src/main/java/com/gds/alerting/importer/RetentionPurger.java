package com.gds.alerting.importer;

import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.gds.alerting.importer.consume.ImporterLoop;
import com.gds.alerting.importer.ops.ImporterMetrics;
import com.gds.alerting.importer.warehouse.JdbcWarehouse;
import com.gds.alerting.importer.warehouse.WarehouseUnavailableException;

/**
 * Deletes facts older than the retention period, at most once per check interval, on the
 * consumer thread between batches (so it never competes with a load for the connection). A
 * failed purge is logged and tried again at the next interval; it never blocks loading.
 */
final class RetentionPurger implements ImporterLoop.Maintenance {

    private static final Logger LOG = LoggerFactory.getLogger(RetentionPurger.class);

    private final JdbcWarehouse warehouse;
    private final Duration retention;
    private final Duration interval;
    private final ImporterMetrics metrics;
    private Instant nextRun;

    /**
     * @param retention facts whose event time is older than this are deleted; zero = keep forever
     * @param interval  how often to check
     */
    RetentionPurger(JdbcWarehouse warehouse, Duration retention, Duration interval, ImporterMetrics metrics) {
        this.warehouse = warehouse;
        this.retention = retention;
        this.interval = interval;
        this.metrics = metrics;
    }

    @Override
    public void run(Instant now) {
        if (retention.isZero() || (nextRun != null && now.isBefore(nextRun))) {
            return;
        }
        nextRun = now.plus(interval);
        Instant cutoff = now.minus(retention);
        try {
            long deleted = warehouse.purgeOlderThan(cutoff);
            metrics.purged(deleted);
            if (deleted > 0) {
                LOG.info("retention: deleted {} fact rows older than {}", deleted, cutoff);
            }
        } catch (WarehouseUnavailableException e) {
            LOG.warn("retention purge failed, next try at {}: {}", nextRun, e.getMessage());
        }
    }
}
