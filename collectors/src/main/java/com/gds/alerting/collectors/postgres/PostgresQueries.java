package com.gds.alerting.collectors.postgres;

/**
 * The SQL the PostgreSQL collector runs. Everything works on PostgreSQL 12 and later; where a
 * view changed between versions, the method takes {@code server_version_num}.
 *
 * <p>The monitoring role needs {@code pg_monitor} (PostgreSQL 10+) to see other sessions'
 * state and queries in {@code pg_stat_activity} and every database's size.
 */
final class PostgresQueries {

    private PostgresQueries() {
    }

    /**
     * Version, role, and whether the monitoring role sees every session: {@code pg_read_all_stats}
     * (granted through {@code pg_monitor}, or held by a superuser). Without it PostgreSQL hides other
     * users' sessions, so counts and ages over {@code pg_stat_activity} would be silently too low.
     * On a primary also the current WAL position, so a replica's replay position can be compared
     * with it (in this query to save a round trip per cycle). Also the server's clock (for rates),
     * {@code archive_mode}, and the schema of {@code pg_stat_statements} when the extension is
     * created in this database <em>and</em> its library is loaded (its {@code pg_stat_statements.max}
     * setting exists only then; without the library the view raises an error).
     */
    static final String SERVER = """
            SELECT current_setting('server_version_num')::int AS version,
                   pg_is_in_recovery() AS replica,
                   current_database() AS database,
                   current_user AS role,
                   pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') AS sees_all_sessions,
                   extract(epoch FROM now() - pg_postmaster_start_time())::float8 AS uptime_seconds,
                   CASE WHEN pg_is_in_recovery() THEN NULL
                        ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::float8 END AS wal_position_bytes,
                   extract(epoch FROM now())::float8 AS now_epoch,
                   current_setting('archive_mode') AS archive_mode,
                   (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                     WHERE e.extname = 'pg_stat_statements'
                       AND current_setting('pg_stat_statements.max', true) IS NOT NULL) AS statements_schema""";

    /** Sessions: connections, idle in transaction, longest query and transaction, lock waits. */
    static final String ACTIVITY = """
            SELECT current_setting('max_connections')::int AS max_connections,
                   count(*) FILTER (WHERE backend_type = 'client backend') AS used,
                   count(*) FILTER (WHERE backend_type = 'client backend' AND state = 'active') AS active,
                   count(*) FILTER (WHERE backend_type = 'client backend' AND state = 'idle') AS idle,
                   count(*) FILTER (WHERE backend_type = 'client backend' AND state = 'idle in transaction') AS idle_in_transaction,
                   count(*) FILTER (WHERE backend_type = 'client backend' AND state = 'idle in transaction (aborted)') AS idle_in_transaction_aborted,
                   count(*) FILTER (WHERE backend_type = 'client backend' AND state IS NULL) AS unknown,
                   coalesce(extract(epoch FROM max(now() - state_change)
                       FILTER (WHERE state LIKE 'idle in transaction%')), 0)::float8 AS idle_in_transaction_oldest_seconds,
                   coalesce(extract(epoch FROM max(now() - query_start)
                       FILTER (WHERE state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid())), 0)::float8
                       AS longest_query_seconds,
                   coalesce(extract(epoch FROM max(now() - xact_start)
                       FILTER (WHERE backend_type = 'client backend' AND pid <> pg_backend_pid())), 0)::float8
                       AS longest_transaction_seconds
            FROM pg_stat_activity""";

    static final String LOCKS_WAITING = "SELECT count(*) AS waiting FROM pg_locks WHERE NOT granted";

    /** Counters, cache, temp files, size and wraparound age of each database that accepts connections. */
    static final String DATABASES = """
            SELECT d.datname AS database, s.xact_commit, s.xact_rollback, s.deadlocks, s.blks_hit, s.blks_read,
                   s.temp_bytes, age(d.datfrozenxid) AS xid_age, mxid_age(d.datminmxid) AS multixact_age,
                   CASE WHEN pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') OR has_database_privilege(d.oid, 'CONNECT')
                        THEN pg_database_size(d.oid) END AS size_bytes
            FROM pg_database d JOIN pg_stat_database s ON s.datid = d.oid
            WHERE d.datallowconn AND NOT d.datistemplate""";

    /** The tables with the largest share of dead tuples in the connected database (small ones ignored). */
    static final String DEAD_TUPLES = """
            SELECT schemaname || '.' || relname AS table_name,
                   n_dead_tup::float8 / nullif(n_live_tup + n_dead_tup, 0) AS ratio
            FROM pg_stat_user_tables
            WHERE n_live_tup + n_dead_tup >= 1000
            ORDER BY ratio DESC NULLS LAST, table_name
            LIMIT 5""";

    /**
     * On replicas: the WAL receiver's state, what was received and not replayed, the replay
     * position and the commit time of the last replayed transaction, all against the server's
     * clock. Received equal to replayed means caught up only while the receiver streams: a
     * stopped receiver receives nothing, so the two stay equal however far the primary moves on.
     */
    static final String REPLICA_LAG = """
            SELECT coalesce(pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()), 0)::float8 AS received_not_replayed_bytes,
                   pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() AS replayed_all_received,
                   (SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming')::int AS receivers_streaming,
                   (SELECT extract(epoch FROM now() - max(last_msg_receipt_time)) FROM pg_stat_wal_receiver)::float8
                       AS since_last_message_seconds,
                   pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')::float8 AS replay_position_bytes,
                   extract(epoch FROM pg_last_xact_replay_timestamp())::float8 AS last_replayed_commit_epoch,
                   extract(epoch FROM now())::float8 AS now_epoch""";

    /**
     * On primaries: every replication slot, the WAL it holds back, and (13+) whether that WAL is
     * still guaranteed ({@code wal_status}) and how much more can be written before it is lost
     * ({@code safe_wal_size}, null when {@code max_slot_wal_keep_size} is unlimited).
     */
    static String slots(int serverVersionNum) {
        return serverVersionNum >= 130000
                ? """
                SELECT slot_name, active, wal_status, safe_wal_size::float8 AS safe_wal_size,
                       coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn), 0)::float8 AS retained_bytes
                FROM pg_replication_slots"""
                : """
                SELECT slot_name, active, NULL AS wal_status, NULL::float8 AS safe_wal_size,
                       coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn), 0)::float8 AS retained_bytes
                FROM pg_replication_slots""";
    }

    /** On primaries: each connected standby's replay lag, its name and its state ({@code streaming}, {@code catchup}, ...). */
    static final String STANDBYS = """
            SELECT coalesce(application_name, '') || '@' || coalesce(host(client_addr), 'local') AS standby,
                   application_name, state,
                   coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), 0)::float8 AS lag_bytes,
                   coalesce(extract(epoch FROM replay_lag), 0)::float8 AS lag_seconds
            FROM pg_stat_replication""";

    /** Checkpoint counters: {@code pg_stat_checkpointer} from 17, {@code pg_stat_bgwriter} before. */
    static String checkpoints(int serverVersionNum) {
        return serverVersionNum >= 170000
                ? "SELECT num_timed AS timed, num_requested AS requested FROM pg_stat_checkpointer"
                : "SELECT checkpoints_timed AS timed, checkpoints_req AS requested FROM pg_stat_bgwriter";
    }

    /** On replicas (cascading): who streams from this server, for the expected standbys. */
    static final String STANDBY_NAMES = "SELECT application_name, state FROM pg_stat_replication";

    /**
     * Who holds back the xmin horizon, that is which old transaction ids vacuum must keep rows
     * for, as an age in transactions: a forgotten prepared transaction, a replication slot
     * ({@code xmin} of a physical slot with feedback, {@code catalog_xmin} of a logical one), a
     * backend (its snapshot or its own transaction id; walsenders are counted as standby feedback,
     * this session is not counted), and the feedback of standbys with {@code hot_standby_feedback}
     * that stream without a slot (through a slot, the feedback becomes the slot's {@code xmin},
     * which keeps holding after the standby left). 0 when none holds it. The backend and standby
     * ages need {@code pg_read_all_stats}.
     */
    static final String XMIN_HORIZON = """
            SELECT (SELECT count(*) FROM pg_prepared_xacts)::int AS prepared,
                   coalesce((SELECT extract(epoch FROM now() - min(prepared)) FROM pg_prepared_xacts), 0)::float8
                       AS prepared_oldest_seconds,
                   coalesce((SELECT max(age(transaction)) FROM pg_prepared_xacts), 0)::float8 AS prepared_xmin_age,
                   coalesce((SELECT max(greatest(age(xmin), age(catalog_xmin))) FROM pg_replication_slots), 0)::float8
                       AS slot_xmin_age,
                   coalesce((SELECT max(greatest(age(backend_xid), age(backend_xmin))) FROM pg_stat_activity
                             WHERE backend_type <> 'walsender' AND pid <> pg_backend_pid()), 0)::float8 AS backend_xmin_age,
                   coalesce((SELECT max(age(backend_xmin)) FROM pg_stat_replication), 0)::float8 AS standby_xmin_age""";

    /**
     * Tables of the connected database whose dead tuples exceed autovacuum's own trigger
     * ({@code autovacuum_vacuum_threshold + autovacuum_vacuum_scale_factor * reltuples}, the
     * server's settings; per-table storage parameters are not read) and that no vacuum, automatic
     * or manual, cleaned for {@code overdueSeconds}, or ever. Autovacuum should have run and has not:
     * it is disabled, starved of workers, or cancelled by locks again and again.
     */
    static String autovacuumOverdue(long overdueSeconds) {
        return """
                SELECT count(*)::int AS overdue
                FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
                WHERE s.n_dead_tup > current_setting('autovacuum_vacuum_threshold')::float8
                        + current_setting('autovacuum_vacuum_scale_factor')::float8 * greatest(c.reltuples, 0)
                  AND coalesce(greatest(s.last_autovacuum, s.last_vacuum), '-infinity'::timestamptz)
                        < now() - make_interval(secs => %d)""".formatted(overdueSeconds);
    }

    /**
     * The WAL archiver: its failure counter, and how long ago it last failed, with whether that
     * failure is newer than its last success (still failing).
     */
    static final String ARCHIVER = """
            SELECT failed_count::float8 AS failed_count,
                   extract(epoch FROM now() - last_failed_time)::float8 AS last_failure_age_seconds,
                   coalesce(last_failed_time > coalesce(last_archived_time, '-infinity'::timestamptz), false) AS failing
            FROM pg_stat_archiver""";

    /**
     * The {@code limit} statements with the most total execution time since the statistics were
     * reset, summed over users and databases per {@code queryid}. {@code total_exec_time} from 13,
     * {@code total_time} before. The schema comes from {@code pg_extension}, quoted.
     */
    static String topStatements(int serverVersionNum, String schema, int limit) {
        String total = serverVersionNum >= 130000 ? "total_exec_time" : "total_time";
        return """
                SELECT queryid::text AS queryid, sum(calls)::float8 AS calls, sum(%s)::float8 AS total_ms, sum(rows)::float8 AS rows
                FROM "%s".pg_stat_statements
                WHERE queryid IS NOT NULL
                GROUP BY queryid
                ORDER BY total_ms DESC, queryid
                LIMIT %d""".formatted(total, schema.replace("\"", "\"\""), limit);
    }
}
