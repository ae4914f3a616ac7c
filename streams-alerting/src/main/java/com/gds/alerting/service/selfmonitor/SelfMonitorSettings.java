package com.gds.alerting.service.selfmonitor;

import java.time.Duration;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

/**
 * {@code gds.self-monitor.*}: the pipeline watching itself. Every {@code interval} one instance
 * measures the alerting application's consumer lag, the dead-letter topics and the metrics topics'
 * silence, and publishes the figures as ordinary metrics on
 * {@code gds.metrics.gds_alerting.<environment>}; the built-in rules turn them into alerts. The
 * thresholds here are the built-in rules' thresholds. Every key can be set from the environment
 * ({@code GDS_SELF_MONITOR_LAG_THRESHOLD}).
 */
@ConfigurationProperties("gds.self-monitor")
public class SelfMonitorSettings {

    /** Measure and publish from this process (one instance of a deployment publishes per interval). */
    private boolean enabled = true;
    /** How often the figures are measured and published. */
    @NotNull
    private Duration interval = Duration.ofSeconds(30);
    /** The {@code <environment>} of the self-metrics topic {@code gds.metrics.gds_alerting.<environment>}, and its tag. */
    @NotBlank
    private String environment = "prod";
    /** Publish the built-in rules to the rules topic (when absent, or when a built-in version differs). */
    private boolean rulesEnabled = true;
    /** Consumer lag (records, summed over partitions) of the alerting application or the dispatcher that alerts. */
    @Min(0)
    private long lagThreshold = 10_000;
    /** How long the lag must stay above the threshold before the alert fires. */
    @NotNull
    private Duration lagFor = Duration.ofMinutes(5);
    /** Dead letters are counted over this trailing window. */
    @NotNull
    private Duration dlqWindow = Duration.ofMinutes(15);
    /** More dead letters than this within {@code dlq-window} on one dead-letter topic alert. */
    @Min(0)
    private long dlqThreshold = 0;
    /** A metrics topic that receives nothing for longer than this alerts. */
    @NotNull
    private Duration idleAfter = Duration.ofMinutes(10);
    /** The built-in rules' {@code routing_key}. */
    @Nullable
    private String routingKey;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Duration getInterval() {
        return interval;
    }

    public void setInterval(Duration interval) {
        this.interval = interval;
    }

    public String getEnvironment() {
        return environment;
    }

    public void setEnvironment(String environment) {
        this.environment = environment;
    }

    public boolean isRulesEnabled() {
        return rulesEnabled;
    }

    public void setRulesEnabled(boolean rulesEnabled) {
        this.rulesEnabled = rulesEnabled;
    }

    public long getLagThreshold() {
        return lagThreshold;
    }

    public void setLagThreshold(long lagThreshold) {
        this.lagThreshold = lagThreshold;
    }

    public Duration getLagFor() {
        return lagFor;
    }

    public void setLagFor(Duration lagFor) {
        this.lagFor = lagFor;
    }

    public Duration getDlqWindow() {
        return dlqWindow;
    }

    public void setDlqWindow(Duration dlqWindow) {
        this.dlqWindow = dlqWindow;
    }

    public long getDlqThreshold() {
        return dlqThreshold;
    }

    public void setDlqThreshold(long dlqThreshold) {
        this.dlqThreshold = dlqThreshold;
    }

    public Duration getIdleAfter() {
        return idleAfter;
    }

    public void setIdleAfter(Duration idleAfter) {
        this.idleAfter = idleAfter;
    }

    @Nullable
    public String getRoutingKey() {
        return routingKey;
    }

    public void setRoutingKey(@Nullable String routingKey) {
        this.routingKey = routingKey;
    }
}
