package com.gds.alerting.collectors.mssql;

import static com.gds.alerting.collectors.source.Rows.number;
import static com.gds.alerting.collectors.source.Rows.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.gds.alerting.collectors.source.PermissionReport.Missing;

/**
 * What the login may see, from the "permissions" query: the server-state grant its version needs,
 * and SELECT on msdb's job and backup tables. {@code HAS_PERMS_BY_NAME} answers 1, 0, or NULL (the
 * login has no user in msdb): anything but 1 is missing.
 */
record SqlServerGrants(String login, boolean serverState, String serverStateGrant, boolean jobs, boolean backups,
                       double nowMs) {

    /** SQL Server 2022: the DMVs ask for VIEW SERVER PERFORMANCE STATE, which VIEW SERVER STATE implies. */
    private static final int SQL_SERVER_2022 = 16;

    static SqlServerGrants of(Map<String, Object> row) {
        boolean newer = number(row, "major_version") >= SQL_SERVER_2022;
        String grant = newer ? "VIEW SERVER PERFORMANCE STATE" : "VIEW SERVER STATE";
        boolean serverState = number(row, newer ? "view_server_performance_state" : "view_server_state") == 1;
        boolean jobs = number(row, "msdb_sysjobs") == 1 && number(row, "msdb_sysjobhistory") == 1;
        return new SqlServerGrants(text(row, "login"), serverState, grant, jobs, number(row, "msdb_backupset") == 1,
                number(row, "now_ms"));
    }

    List<Missing> missing() {
        List<Missing> missing = new ArrayList<>();
        String user = "[" + login + "]";
        if (!serverState) {
            missing.add(new Missing(serverStateGrant, "(the DMVs show this login only its own session) connections, "
                    + "sessions, blocking, long-running queries, waits, page life expectancy, workers, deadlock and batch "
                    + "rates, Always On and log space are", "GRANT " + serverStateGrant + " TO " + user));
        }
        if (!jobs) {
            missing.add(new Missing("msdb.dbo.sysjobhistory", "agent_jobs_failed and agent_job_last_run_failed are",
                    "USE msdb; CREATE USER " + user + " FOR LOGIN " + user + "; GRANT SELECT ON dbo.sysjobs TO " + user
                            + "; GRANT SELECT ON dbo.sysjobhistory TO " + user));
        }
        if (!backups) {
            missing.add(new Missing("msdb.dbo.backupset", "backup ages are",
                    "USE msdb; CREATE USER " + user + " FOR LOGIN " + user + "; GRANT SELECT ON dbo.backupset TO " + user));
        }
        return missing;
    }
}
