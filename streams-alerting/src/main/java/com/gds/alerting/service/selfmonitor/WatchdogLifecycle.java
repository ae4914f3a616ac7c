package com.gds.alerting.service.selfmonitor;

import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.streams.KafkaStreams;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import com.gds.alerting.service.dispatch.DispatcherLifecycle;
import com.gds.alerting.service.dispatch.NotificationDispatcher;
import com.gds.alerting.service.dispatch.Notifier;
import com.gds.alerting.service.streams.AlertingSettings;

/**
 * Runs the {@link Watchdog} every {@code gds.watchdog.interval} on a thread of its own, from when
 * the server is up until the context closes. On by default; {@code gds.watchdog.enabled=false}
 * turns it off.
 */
@Singleton
@Requires(property = "gds.watchdog.enabled", notEquals = "false")
public class WatchdogLifecycle implements ApplicationEventListener<ServerStartupEvent> {

    private final Watchdog watchdog;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gds-watchdog");
        t.setDaemon(true);
        return t;
    });

    public WatchdogLifecycle(WatchdogSettings settings, AlertingSettings alerting, Notifier notifier, KafkaStreams streams,
                             @Nullable DispatcherLifecycle dispatcher, MeterRegistry registry) {
        Clock clock = Clock.systemUTC();
        NotificationDispatcher d = dispatcher == null ? null : dispatcher.dispatcher();
        PipelineHealth health = new PipelineHealth(streams::state, d == null ? null : d::state, d == null ? null : d::lastPoll,
                settings.getMaxPollAge(), clock);
        this.watchdog = new Watchdog(settings, alerting.getApplicationId(), alerting.getAdvertisedAddress(), notifier, health,
                registry, clock);
    }

    @Override
    public void onApplicationEvent(ServerStartupEvent event) {
        long every = Math.max(1, watchdog.interval().toMillis());
        // The first beat after one interval: the streams and the dispatcher are only starting now.
        scheduler.scheduleAtFixedRate(watchdog, every, every, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        scheduler.shutdownNow();
    }
}
