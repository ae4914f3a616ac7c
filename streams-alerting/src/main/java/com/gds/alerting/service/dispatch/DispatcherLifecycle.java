package com.gds.alerting.service.dispatch;

import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import com.gds.alerting.service.streams.KafkaClientProperties;

/**
 * Runs the {@link NotificationDispatcher} inside the service when {@code gds.dispatcher.enabled}
 * is true (the default): started with the application, stopped (and its offsets committed) when
 * the context closes. It shares nothing with the stream threads but the Kafka settings. The
 * e-mail fallback ({@code gds.dispatcher.fallback.*}) is checked here, so a wrong setting stops
 * the start with the key's name.
 */
@Singleton
@Requires(property = "gds.dispatcher.enabled", notEquals = "false")
public class DispatcherLifecycle implements ApplicationEventListener<StartupEvent> {

    private final NotificationDispatcher dispatcher;

    public DispatcherLifecycle(DispatcherSettings settings, FallbackSettings fallback, KafkaClientProperties clients,
                               Notifier notifier, MeterRegistry registry) {
        fallback.validate(); // a wrong key stops the start with its name, not the first outage
        this.dispatcher = new NotificationDispatcher(settings, fallback, clients.kafka(), clients.serde(), clients.topics(),
                notifier, registry, Clock.systemUTC());
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        dispatcher.start();
    }

    /** The running dispatcher (for health and tests). */
    public NotificationDispatcher dispatcher() {
        return dispatcher;
    }

    @PreDestroy
    void stop() {
        dispatcher.close();
    }
}
