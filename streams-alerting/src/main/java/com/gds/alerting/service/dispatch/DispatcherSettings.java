package com.gds.alerting.service.dispatch;

import java.time.Duration;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

/**
 * {@code gds.dispatcher.*}: where notifications go and how hard the dispatcher tries. Every key
 * can be set by an environment variable ({@code gds.dispatcher.base-url} ->
 * {@code GDS_DISPATCHER_BASE_URL}). Kafka client properties come from {@code kafka.*} as for the
 * rest of the service.
 */
@ConfigurationProperties("gds.dispatcher")
public class DispatcherSettings {

    /** Runs the dispatcher in this process; turn off to run it elsewhere (or not at all). */
    private boolean enabled = true;
    /** gds_notification's base URL; {@code POST {base-url}/ingest}. Unset = log what would be sent. */
    @Nullable
    private String baseUrl;
    /** The consumer group on {@code gds.alerts.events}; every dispatcher of one deployment shares it. */
    @NotBlank
    private String groupId = "gds-alerting-dispatcher";
    /**
     * Where a group with no committed offset starts. {@code latest} so that a first deployment
     * does not replay a year of events as notifications.
     */
    @NotBlank
    private String autoOffsetReset = "latest";
    /** Deliveries in parallel (one lane per unit; a key always uses the same lane, so its order holds). */
    @Min(1)
    private int concurrency = 8;
    /** Events read but not yet delivered, dead-lettered or summarised before the consumer pauses. */
    @Min(1)
    private int maxInFlight = 10_000;
    @NotNull
    private Duration connectTimeout = Duration.ofSeconds(5);
    /** A request that has no answer after this long is a timeout, and retried. */
    @NotNull
    private Duration requestTimeout = Duration.ofSeconds(10);
    /** Attempts per notification while the circuit is closed; then it is dead-lettered. 0 = no bound. */
    @Min(0)
    private int maxAttempts = 10;
    @NotNull
    private Duration initialBackoff = Duration.ofMillis(500);
    @NotNull
    private Duration maxBackoff = Duration.ofMinutes(1);
    /** A {@code Retry-After} longer than this is cut to it (a typo on the other side must not stall us for a day). */
    @NotNull
    private Duration maxRetryAfter = Duration.ofMinutes(5);
    /** Consecutive retryable failures that open the circuit. */
    @Min(1)
    private int circuitFailureThreshold = 5;
    /** How long an open circuit waits before one probe request. */
    @NotNull
    private Duration circuitOpenDuration = Duration.ofSeconds(30);
    /** Storm control on/off (rate limit per rule and per instance, the rest folded into a summary). */
    private boolean stormEnabled = true;
    /** The rate-limit window, and how often held-back notifications are summarised. */
    @NotNull
    private Duration stormInterval = Duration.ofMinutes(1);
    /** Notifications per rule per interval before the rest are held for the summary. */
    @Min(1)
    private int stormMaxPerRule = 20;
    /** Notifications per instance per interval before the rest are held for the summary. */
    @Min(1)
    private int stormMaxPerInstance = 10;
    /** Held notifications listed one per line in a summary's body; the rest are counted. */
    @Min(1)
    private int stormSummaryMaxLines = 50;
    /** On shutdown, how long deliveries under way may finish; the rest are redelivered after restart. */
    @NotNull
    private Duration shutdownGrace = Duration.ofSeconds(5);
    /**
     * How often the offsets of what is done are committed (also on revocation and shutdown). A
     * crash sends again at most this much of what was already delivered, with the same
     * {@code message_id}. 0 = after every poll, which at a steady trickle is hundreds of commits a
     * second, each one a write to {@code __consumer_offsets}.
     */
    @NotNull
    private Duration commitInterval = Duration.ofSeconds(1);

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    @Nullable
    public String getBaseUrl() {
        return baseUrl;
    }

    public void setBaseUrl(@Nullable String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public String getGroupId() {
        return groupId;
    }

    public void setGroupId(String groupId) {
        this.groupId = groupId;
    }

    public String getAutoOffsetReset() {
        return autoOffsetReset;
    }

    public void setAutoOffsetReset(String autoOffsetReset) {
        this.autoOffsetReset = autoOffsetReset;
    }

    public int getConcurrency() {
        return concurrency;
    }

    public void setConcurrency(int concurrency) {
        this.concurrency = concurrency;
    }

    public int getMaxInFlight() {
        return maxInFlight;
    }

    public void setMaxInFlight(int maxInFlight) {
        this.maxInFlight = maxInFlight;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    public int getMaxAttempts() {
        return maxAttempts;
    }

    public void setMaxAttempts(int maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    public Duration getInitialBackoff() {
        return initialBackoff;
    }

    public void setInitialBackoff(Duration initialBackoff) {
        this.initialBackoff = initialBackoff;
    }

    public Duration getMaxBackoff() {
        return maxBackoff;
    }

    public void setMaxBackoff(Duration maxBackoff) {
        this.maxBackoff = maxBackoff;
    }

    public Duration getMaxRetryAfter() {
        return maxRetryAfter;
    }

    public void setMaxRetryAfter(Duration maxRetryAfter) {
        this.maxRetryAfter = maxRetryAfter;
    }

    public int getCircuitFailureThreshold() {
        return circuitFailureThreshold;
    }

    public void setCircuitFailureThreshold(int circuitFailureThreshold) {
        this.circuitFailureThreshold = circuitFailureThreshold;
    }

    public Duration getCircuitOpenDuration() {
        return circuitOpenDuration;
    }

    public void setCircuitOpenDuration(Duration circuitOpenDuration) {
        this.circuitOpenDuration = circuitOpenDuration;
    }

    public boolean isStormEnabled() {
        return stormEnabled;
    }

    public void setStormEnabled(boolean stormEnabled) {
        this.stormEnabled = stormEnabled;
    }

    public Duration getStormInterval() {
        return stormInterval;
    }

    public void setStormInterval(Duration stormInterval) {
        this.stormInterval = stormInterval;
    }

    public int getStormMaxPerRule() {
        return stormMaxPerRule;
    }

    public void setStormMaxPerRule(int stormMaxPerRule) {
        this.stormMaxPerRule = stormMaxPerRule;
    }

    public int getStormMaxPerInstance() {
        return stormMaxPerInstance;
    }

    public void setStormMaxPerInstance(int stormMaxPerInstance) {
        this.stormMaxPerInstance = stormMaxPerInstance;
    }

    public int getStormSummaryMaxLines() {
        return stormSummaryMaxLines;
    }

    public void setStormSummaryMaxLines(int stormSummaryMaxLines) {
        this.stormSummaryMaxLines = stormSummaryMaxLines;
    }

    public Duration getShutdownGrace() {
        return shutdownGrace;
    }

    public void setShutdownGrace(Duration shutdownGrace) {
        this.shutdownGrace = shutdownGrace;
    }

    public Duration getCommitInterval() {
        return commitInterval;
    }

    public void setCommitInterval(Duration commitInterval) {
        this.commitInterval = commitInterval;
    }
}
