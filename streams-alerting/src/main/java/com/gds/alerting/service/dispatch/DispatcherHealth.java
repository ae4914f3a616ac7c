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
 * REST endpoints out of service. An open (or half-open) circuit is DEGRADED, not DOWN: nothing is
 * delivered, which operators must see, but gds_notification being away is not fixed by restarting
 * this service, so DEGRADED is operational (HTTP 200). So is an e-mail fallback that fails while
 * notifications wait for it. Details: state, notifier, circuit, the notifications waiting, the
 * fallback's state when it is on ({@code ok} or {@code failing} with its last error), and the
 * error when failed.
 */
@Singleton
@Liveness
@Requires(beans = DispatcherLifecycle.class)
public class DispatcherHealth implements HealthIndicator {

    static final String NAME = "notification-dispatcher";
    /**
     * Above UP and below DOWN in the aggregate {@code /health} status, and answered with HTTP 200.
     * Its {@code operational} is left unset on purpose: Micronaut orders two operational statuses
     * as equal (so UP could hide it), an unset one above them, and maps only a non-operational
     * status to 503.
     */
    public static final HealthStatus DEGRADED = new HealthStatus("DEGRADED",
            "the circuit to gds_notification is open: notifications wait", null, 500);

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
        CircuitBreaker.State circuit = dispatcher.circuitState();
        details.put("circuit", circuit.name().toLowerCase(Locale.ROOT));
        details.put("waiting", dispatcher.waiting());
        boolean fallbackFailing = dispatcher.fallbackFailing();
        if (dispatcher.hasFallback()) {
            details.put("fallback", fallbackFailing ? "failing" : "ok");
            String why = dispatcher.fallbackFailure();
            if (why != null) {
                details.put("fallback_error", why);
            }
        }
        String failure = dispatcher.failure();
        if (failure != null) {
            details.put("error", failure);
        }
        HealthStatus status = state == NotificationDispatcher.State.FAILED ? HealthStatus.DOWN
                : state == NotificationDispatcher.State.RUNNING && (circuit != CircuitBreaker.State.CLOSED || fallbackFailing)
                        ? DEGRADED
                : HealthStatus.UP;
        return HealthResult.builder(NAME, status).details(details).build();
    }
}
