package com.gds.alerting.collectors.config;

import java.nio.file.Path;

/**
 * How the agent itself runs.
 *
 * @param spoolDir                 where undelivered records wait on disk
 * @param spoolMaxBytes            spool bound; beyond it new records are dropped and counted
 * @param maxConcurrentCollections worker threads shared by all targets
 * @param healthPort               port of {@code /health} and {@code /metrics}; -1 = off, 0 = any free one
 * @param healthBind               address the health server listens on
 */
public record AgentSettings(Path spoolDir, long spoolMaxBytes, int maxConcurrentCollections, int healthPort,
                            String healthBind) {

    public static final long DEFAULT_SPOOL_MAX_BYTES = 512L << 20;
    public static final int DEFAULT_CONCURRENCY = 8;
    public static final int DEFAULT_HEALTH_PORT = 9464;
}
