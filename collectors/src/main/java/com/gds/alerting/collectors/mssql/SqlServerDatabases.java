package com.gds.alerting.collectors.mssql;

import static com.gds.alerting.collectors.source.Rows.number;
import static com.gds.alerting.collectors.source.Rows.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.gds.alerting.collectors.source.Sample;

/** Per-database signals from {@code sys.databases} and msdb: state, log reuse, backups, Agent jobs. */
final class SqlServerDatabases {

    /** States in which a database cannot be used and will not recover by itself. */
    static final Set<String> UNHEALTHY_STATES = Set.of("SUSPECT", "RECOVERY_PENDING", "EMERGENCY");

    /**
     * Log-reuse waits that do not clear on the next log backup or checkpoint: something outside the
     * log holds it (a transaction, a replica, replication, mirroring, in-memory OLTP checkpoints).
     * LOG_BACKUP is normal between log backups; a missing log backup is what the backup age says.
     */
    static final Set<String> STUCK_LOG_REUSE_WAITS = Set.of("ACTIVE_TRANSACTION", "AVAILABILITY_REPLICA", "REPLICATION",
            "DATABASE_MIRRORING", "XTP_CHECKPOINT");

    /** run_status of a job outcome row that failed. */
    private static final int JOB_FAILED = 0;

    private SqlServerDatabases() {
    }

    static void states(List<Map<String, Object>> rows, List<Sample> out) {
        List<String> unhealthy = new ArrayList<>();
        List<String> stuck = new ArrayList<>();
        for (Map<String, Object> d : rows) {
            String database = text(d, "database_name");
            String state = text(d, "state_desc");
            out.add(new Sample("database_state", number(d, "state"), Map.of("database", database, "state", state), null));
            if (UNHEALTHY_STATES.contains(state)) {
                unhealthy.add(database + ":" + state);
            }
            String reuse = text(d, "log_reuse_wait_desc");
            if (reuse != null) {
                out.add(new Sample("log_reuse_wait", "NOTHING".equals(reuse) ? 0 : 1,
                        Map.of("database", database, "reason", reuse), null));
                if (STUCK_LOG_REUSE_WAITS.contains(reuse)) {
                    stuck.add(database + ":" + reuse);
                }
            }
        }
        out.add(AvailabilityGroups.count("databases_unhealthy", "databases", unhealthy));
        out.add(AvailabilityGroups.count("databases_log_reuse_blocked", "databases", stuck));
    }

    /** Ages per database, and the oldest of each kind: the figure a rule watches. Log backups only under FULL or BULK_LOGGED recovery. */
    static void backups(List<Map<String, Object>> rows, List<Sample> out) {
        double oldestFull = Double.NaN;
        double oldestLog = Double.NaN;
        String oldestFullDb = null;
        String oldestLogDb = null;
        for (Map<String, Object> b : rows) {
            String database = text(b, "database_name");
            double full = number(b, "full_age_seconds");
            out.add(Sample.of("backup_full_age_seconds", full, "database", database));
            if (!Double.isNaN(full) && (oldestFullDb == null || full > oldestFull)) {
                oldestFull = full;
                oldestFullDb = database;
            }
            if (!"SIMPLE".equals(text(b, "recovery_model_desc"))) {
                double log = number(b, "log_age_seconds");
                out.add(Sample.of("backup_log_age_seconds", log, "database", database));
                if (!Double.isNaN(log) && (oldestLogDb == null || log > oldestLog)) {
                    oldestLog = log;
                    oldestLogDb = database;
                }
            }
        }
        if (oldestFullDb != null) {
            out.add(Sample.of("backup_full_oldest_age_seconds", oldestFull, "database", oldestFullDb));
        }
        if (oldestLogDb != null) {
            out.add(Sample.of("backup_log_oldest_age_seconds", oldestLog, "database", oldestLogDb));
        }
    }

    static void jobs(List<Map<String, Object>> rows, List<Sample> out) {
        List<String> failed = new ArrayList<>();
        for (Map<String, Object> j : rows) {
            String job = text(j, "job_name");
            boolean jobFailed = number(j, "run_status") == JOB_FAILED;
            out.add(Sample.of("agent_job_last_run_failed", jobFailed ? 1 : 0, "job", job));
            if (jobFailed) {
                failed.add(job);
            }
        }
        out.add(AvailabilityGroups.count("agent_jobs_failed", "jobs", failed));
    }
}
