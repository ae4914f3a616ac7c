package com.gds.alerting.service.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import com.gds.alerting.topologies.notify.NotifyReason;

/**
 * The dispatcher's meters ({@code /prometheus} names in brackets): decisions by reason
 * [{@code gds_dispatcher_decisions_total}], notifications sent [{@code gds_dispatcher_sent_total}],
 * retries by cause [{@code gds_dispatcher_retries_total}], dead letters by reason
 * [{@code gds_dispatcher_dead_letters_total}], notifications held back by storm control and the
 * summaries sent [{@code gds_dispatcher_storm_held_total}, {@code gds_dispatcher_storm_summaries_total}],
 * the circuit's state and openings [{@code gds_dispatcher_circuit_state}, {@code gds_dispatcher_circuit_opened_total}],
 * the work in flight, and the latency from the transition to the 2xx
 * [{@code gds_dispatcher_delivery_latency_seconds}, a histogram].
 *
 * <p>Counters are looked up once per tag value and kept: registering through a builder on every
 * event costs an id, a tag sort and a registry lookup each time.
 */
final class DispatcherMetrics {

    private final MeterRegistry registry;
    private final Timer latency;
    private final Map<NotifyReason, Counter> decisions = new EnumMap<>(NotifyReason.class);
    private final Counter sentEvents;
    private final Counter sentSummaries;
    private final Map<String, Counter> retries = new ConcurrentHashMap<>();
    private final Map<String, Counter> deadLetters = new ConcurrentHashMap<>();
    private final Map<String, Counter> held = new ConcurrentHashMap<>();
    private final Map<String, Counter> summaries = new ConcurrentHashMap<>();

    DispatcherMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.latency = Timer.builder("gds.dispatcher.delivery.latency")
                .description("time from the alert transition (updated_at) to gds_notification's 2xx")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
        for (NotifyReason reason : NotifyReason.values()) {
            decisions.put(reason, counter("gds.dispatcher.decisions", "alert events by the dispatcher's decision", "reason",
                    reason));
        }
        this.sentEvents = counter("gds.dispatcher.sent", "notifications delivered (2xx)", "kind", "event");
        this.sentSummaries = counter("gds.dispatcher.sent", "notifications delivered (2xx)", "kind", "summary");
    }

    void decided(NotifyReason reason) {
        decisions.get(reason).increment();
    }

    void delivered(Delivery delivery, Instant now) {
        (delivery.summary() ? sentSummaries : sentEvents).increment();
        if (delivery.eventTime() != null) {
            latency.record(Duration.between(delivery.eventTime(), now).abs());
        }
    }

    void retried(String cause) {
        retries.computeIfAbsent(cause, c -> counter("gds.dispatcher.retries",
                "failed attempts that will be retried (429, 5xx, timeout, connection)", "cause", c)).increment();
    }

    void deadLettered(String reason) {
        deadLetters.computeIfAbsent(reason, r -> counter("gds.dispatcher.dead.letters",
                "alert events written to the notifications dead-letter topic", "reason", r)).increment();
    }

    void held(String scope) {
        held.computeIfAbsent(scope, sc -> counter("gds.dispatcher.storm.held",
                "notifications held back by the rate limit, to be summarised", "scope", sc)).increment();
    }

    void summarised(String scope) {
        summaries.computeIfAbsent(scope, sc -> counter("gds.dispatcher.storm.summaries", "storm summaries handed to delivery",
                "scope", sc)).increment();
    }

    void circuit(CircuitBreaker breaker) {
        for (CircuitBreaker.State state : CircuitBreaker.State.values()) {
            Gauge.builder("gds.dispatcher.circuit.state", breaker, b -> b.state() == state ? 1 : 0)
                    .description("1 for the circuit breaker's current state")
                    .tag("state", state.name().toLowerCase(Locale.ROOT))
                    .register(registry);
        }
        FunctionCounter.builder("gds.dispatcher.circuit.opened", breaker, CircuitBreaker::timesOpened)
                .description("times the circuit to gds_notification opened").register(registry);
    }

    <T> void gauge(String name, String description, T source, ToDoubleFunction<T> value) {
        Gauge.builder(name, source, value).description(description).register(registry);
    }

    private Counter counter(String name, String description, String tag, Object value) {
        return Counter.builder(name).description(description)
                .tag(tag, value.toString().toLowerCase(Locale.ROOT)).register(registry);
    }
}
