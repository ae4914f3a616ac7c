package com.gds.alerting.service.selfmonitor;

import java.time.Duration;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

/**
 * {@code gds.watchdog.*}: the pipeline's dead man's switch, a notification sent to gds_notification
 * every {@code interval} while the pipeline is healthy, so that its absence can be noticed outside
 * the system (Prometheus' always-firing {@code Watchdog}). Every key can be set from the environment
 * ({@code GDS_WATCHDOG_INTERVAL}).
 */
@ConfigurationProperties("gds.watchdog")
public class WatchdogSettings {

    /** Send the watchdog from this process. */
    private boolean enabled = true;
    /** How often it is sent; an outside check should alert after two or three intervals without one. */
    @NotNull
    private Duration interval = Duration.ofMinutes(1);
    /** The notification's {@code alert_name}. */
    @NotBlank
    private String alertName = "gds-watchdog";
    /** The notification's {@code routing_key}: where gds_notification sends it (a dead man's switch service). */
    @Nullable
    private String routingKey;
    /** The dispatcher counts as stuck when its consumer has not returned from a poll for this long. */
    @NotNull
    private Duration maxPollAge = Duration.ofMinutes(1);

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

    public String getAlertName() {
        return alertName;
    }

    public void setAlertName(String alertName) {
        this.alertName = alertName;
    }

    @Nullable
    public String getRoutingKey() {
        return routingKey;
    }

    public void setRoutingKey(@Nullable String routingKey) {
        this.routingKey = routingKey;
    }

    public Duration getMaxPollAge() {
        return maxPollAge;
    }

    public void setMaxPollAge(Duration maxPollAge) {
        this.maxPollAge = maxPollAge;
    }
}
