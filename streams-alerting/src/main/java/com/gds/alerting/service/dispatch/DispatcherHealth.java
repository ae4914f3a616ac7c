package com.gds.alerting.service.dispatch;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.reactivestreams.Publisher;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Liveness;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * {@code /health/liveness} (and {@code /health}) entry {@code notification-dispatcher}: DOWN when
 * the dispatcher is enabled and its consumer thread died on an unexpected error. It does not start
 * again by itself, and restarting the service is the cure (it resumes from the last committed
 * offset), which is what a failing liveness probe asks for; readiness would only take healthy
 * REST endpoints out of service. An open circuit is not DOWN: gds_notification being away is not
 * fixed by restarting this service. Details: state, notifier, circuit, and the error when failed.
 */
@Singleton
@Liveness
@Requires(beans = DispatcherLifecycle.class)
public class DispatcherHealth implements HealthIndicator {

    static final String NAME = "notification-dispatcher";

    private final NotificationDispatcher dispatcher;

    @Inject
    public DispatcherHealth(DispatcherLifecycle lifecycle) {
        this(lifecycle.dispatcher());
    }

    DispatcherHealth(NotificationDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        return Publishers.just(result());
    }

    HealthResult result() {
        NotificationDispatcher.State state = dispatcher.state();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("state", state.name().toLowerCase(Locale.ROOT));
        details.put("notifier", dispatcher.notifierName());
        details.put("circuit", dispatcher.circuitState().name().toLowerCase(Locale.ROOT));
        String failure = dispatcher.failure();
        if (failure != null) {
            details.put("error", failure);
        }
        return HealthResult.builder(NAME, state == NotificationDispatcher.State.FAILED ? HealthStatus.DOWN : HealthStatus.UP)
                .details(details)
                .build();
    }
}
