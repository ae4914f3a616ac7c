package com.gds.alerting.service.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.exceptions.HttpClientException;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.http.client.exceptions.ReadTimeoutException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Delivers to gds_notification through {@link GdsNotificationClient} and classifies the answer
 * (docs/contracts.md): 2xx delivered; 429 (with its {@code Retry-After}), 5xx, timeouts and
 * connection errors retryable; any other status refused.
 */
@Singleton
@Requires(property = "gds.dispatcher.base-url")
public class HttpNotifier implements Notifier {

    /** Dead-letter headers carry at most this much of an answer's body. */
    static final int MAX_BODY = 4096;

    private final GdsNotificationClient client;
    private final Clock clock;

    @Inject
    public HttpNotifier(GdsNotificationClient client) {
        this(client, Clock.systemUTC());
    }

    /** With an explicit clock, which an HTTP-date {@code Retry-After} is measured against. */
    public HttpNotifier(GdsNotificationClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    @Override
    public NotifyResult send(NotificationPayload payload) {
        try {
            return classify(client.ingest(payload));
        } catch (HttpClientResponseException e) {
            return classify(e.getResponse().getStatus().getCode(), e.getResponse().getBody(String.class).orElse(""),
                    e.getResponse().getHeaders().get(HttpHeaders.RETRY_AFTER));
        } catch (ReadTimeoutException e) {
            return NotifyResult.retryable("TIMEOUT", 0, "", null);
        } catch (HttpClientException e) {
            return NotifyResult.retryable("CONNECTION", 0, String.valueOf(e.getMessage()), null);
        }
    }

    private NotifyResult classify(HttpResponse<String> response) {
        return classify(response.getStatus().getCode(), response.getBody(String.class).orElse(""),
                response.getHeaders().get(HttpHeaders.RETRY_AFTER));
    }

    private NotifyResult classify(int status, String body, @Nullable String retryAfter) {
        String cut = body.length() <= MAX_BODY ? body : body.substring(0, MAX_BODY);
        return switch (NotifyResult.classify(status)) {
            case DELIVERED -> NotifyResult.delivered(status);
            case RETRYABLE -> NotifyResult.retryable("HTTP_" + status, status, cut, retryAfter(retryAfter, clock.instant()));
            case REJECTED -> NotifyResult.rejected(status, cut);
        };
    }

    /** {@code Retry-After} as seconds or an HTTP date (RFC 9110); null when absent or unreadable. */
    @Nullable
    static Duration retryAfter(@Nullable String header, Instant now) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.strip();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration d = Duration.between(now, at);
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    @Override
    public String name() {
        return "gds-notification";
    }
}
