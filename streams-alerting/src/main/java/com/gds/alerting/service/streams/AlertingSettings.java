package com.gds.alerting.service.streams;

import java.nio.file.Path;
import java.time.Duration;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

/**
 * {@code gds.alerting.*} in {@code application.yml} (every key overridable by an environment
 * variable, e.g. {@code GDS_ALERTING_STATE_DIR}). Kafka client properties are not here: everything
 * under {@code kafka.*} is passed to the clients as it is (SASL, TLS, ...).
 */
@ConfigurationProperties("gds.alerting")
public class AlertingSettings {

    /** The Kafka Streams application id: every instance of one deployment shares it. */
    @NotBlank
    private String applicationId = "gds-alerting";
    /** Where RocksDB keeps state; never under /tmp by default, which the OS may clean. */
    @NotNull
    private Path stateDir = Path.of("data", "streams-state");
    /** host:port other instances reach this one's REST API on ({@code application.server}). */
    @NotBlank
    private String advertisedAddress = "localhost:8080";
    @Min(1)
    private int streamThreads = 1;
    @Min(0)
    private int standbyReplicas = 0;
    /** Partitions of the metrics topics (and so of the commands repartition topic); null = as the commands topic. */
    private Integer commandPartitions;
    @NotNull
    private Duration punctuationInterval = Duration.ofSeconds(1);
    @NotNull
    private Duration maxClockSkew = Duration.ofMinutes(5);
    /** How long a resolved alert's state (and REST history) is kept after its resolution. */
    @NotNull
    private Duration resolvedRetention = Duration.ofDays(7);
    /** How long a request waits for another instance. */
    @NotNull
    private Duration forwardTimeout = Duration.ofSeconds(5);
    /** The Retry-After of a 503 while state migrates. */
    @NotNull
    private Duration retryAfter = Duration.ofSeconds(2);
    /** How long an ack or resolve waits for the topology's verdict before answering 202 (0 = never waits). */
    @NotNull
    private Duration commandVerdictTimeout = Duration.ofSeconds(5);
    /** At most this many requests wait for a verdict at once; more answer 202 at once (bounds memory). */
    @Min(0)
    private int commandVerdictMaxWaiting = 1000;
    /** RocksDB's off-heap memory for the whole process: block cache, index and filter blocks, memtables. */
    @NotBlank
    private String rocksdbMemory = com.gds.alerting.topologies.BoundedRocksDbMemory.DEFAULT_MEMORY;

    public String getApplicationId() {
        return applicationId;
    }

    public void setApplicationId(String applicationId) {
        this.applicationId = applicationId;
    }

    public Path getStateDir() {
        return stateDir;
    }

    public void setStateDir(Path stateDir) {
        this.stateDir = stateDir;
    }

    public String getAdvertisedAddress() {
        return advertisedAddress;
    }

    public void setAdvertisedAddress(String advertisedAddress) {
        this.advertisedAddress = advertisedAddress;
    }

    public int getStreamThreads() {
        return streamThreads;
    }

    public void setStreamThreads(int streamThreads) {
        this.streamThreads = streamThreads;
    }

    public int getStandbyReplicas() {
        return standbyReplicas;
    }

    public void setStandbyReplicas(int standbyReplicas) {
        this.standbyReplicas = standbyReplicas;
    }

    public Integer getCommandPartitions() {
        return commandPartitions;
    }

    public void setCommandPartitions(Integer commandPartitions) {
        this.commandPartitions = commandPartitions;
    }

    public Duration getPunctuationInterval() {
        return punctuationInterval;
    }

    public void setPunctuationInterval(Duration punctuationInterval) {
        this.punctuationInterval = punctuationInterval;
    }

    public Duration getMaxClockSkew() {
        return maxClockSkew;
    }

    public void setMaxClockSkew(Duration maxClockSkew) {
        this.maxClockSkew = maxClockSkew;
    }

    public Duration getForwardTimeout() {
        return forwardTimeout;
    }

    public void setForwardTimeout(Duration forwardTimeout) {
        this.forwardTimeout = forwardTimeout;
    }

    public Duration getRetryAfter() {
        return retryAfter;
    }

    public void setRetryAfter(Duration retryAfter) {
        this.retryAfter = retryAfter;
    }

    public Duration getCommandVerdictTimeout() {
        return commandVerdictTimeout;
    }

    public void setCommandVerdictTimeout(Duration commandVerdictTimeout) {
        this.commandVerdictTimeout = commandVerdictTimeout;
    }

    public int getCommandVerdictMaxWaiting() {
        return commandVerdictMaxWaiting;
    }

    public void setCommandVerdictMaxWaiting(int commandVerdictMaxWaiting) {
        this.commandVerdictMaxWaiting = commandVerdictMaxWaiting;
    }

    public String getRocksdbMemory() {
        return rocksdbMemory;
    }

    public void setRocksdbMemory(String rocksdbMemory) {
        this.rocksdbMemory = rocksdbMemory;
    }

    public Duration getResolvedRetention() {
        return resolvedRetention;
    }

    public void setResolvedRetention(Duration resolvedRetention) {
        this.resolvedRetention = resolvedRetention;
    }
}
