package com.gds.alerting.service.dispatch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientException;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.http.client.exceptions.ReadTimeoutException;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Delivers to gds_notification ({@code POST {base-url}/ingest}, the payload as JSON) and classifies
 * the answer (ARCHITECTURE.md): 2xx delivered; 429 (with its {@code Retry-After}), 5xx, timeouts
 * and connection errors retryable; any other status refused.
 *
 * <p>It uses Micronaut's HTTP client directly (keep-alive pool and timeouts from
 * {@link NotificationClientConfiguration}) with a request URI resolved once and the body
 * serialised by the application's {@link JsonMapper}, the same serialiser a declarative client
 * uses. A declarative {@code @Client} interface was used first; the profile of the dispatcher
 * benchmark showed its per-call work (binding the method's arguments, resolving the
 * {@code ${base-url}} placeholder and looking the client up again on every call) at about a fifth
 * of the dispatcher's CPU, more than the HTTP exchange itself.
 */
@Singleton
@Requires(property = "gds.dispatcher.base-url")
public class HttpNotifier implements Notifier {

    /** Dead-letter headers carry at most this much of an answer's body. */
    static final int MAX_BODY = 4096;

    private final BlockingHttpClient client;
    private final JsonMapper json;
    private final URI ingest;
    private final Clock clock;

    @Inject
    public HttpNotifier(@Client(value = "${gds.dispatcher.base-url}", configuration = NotificationClientConfiguration.class)
                        HttpClient client, JsonMapper json, DispatcherSettings settings) {
        this(client, json, settings.getBaseUrl(), Clock.systemUTC());
    }

    /**
     * @param client  the HTTP client (its pool and timeouts are the dispatcher's)
     * @param json    serialises the payload
     * @param baseUrl gds_notification's base URL
     * @param clock   what an HTTP-date {@code Retry-After} is measured against
     */
    public HttpNotifier(HttpClient client, JsonMapper json, String baseUrl, Clock clock) {
        this.client = client.toBlocking();
        this.json = json;
        this.ingest = ingestUri(baseUrl);
        this.clock = clock;
    }

    /** {@code {base-url}/ingest}: a path in the base URL is kept, as a declarative client's would be. */
    static URI ingestUri(String baseUrl) {
        String base = baseUrl.strip();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + "/ingest");
    }

    @Override
    public NotifyResult send(NotificationPayload payload) {
        MutableHttpRequest<byte[]> request = HttpRequest.POST(ingest, body(payload))
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .accept(MediaType.APPLICATION_JSON_TYPE, MediaType.TEXT_PLAIN_TYPE, MediaType.ALL_TYPE);
        try {
            return classify(client.exchange(request, String.class));
        } catch (HttpClientResponseException e) {
            return classify(e.getResponse().getStatus().getCode(), e.getResponse().getBody(String.class).orElse(""),
                    e.getResponse().getHeaders().get(HttpHeaders.RETRY_AFTER));
        } catch (ReadTimeoutException e) {
            return NotifyResult.retryable("TIMEOUT", 0, "", null);
        } catch (HttpClientException e) {
            return NotifyResult.retryable("CONNECTION", 0, String.valueOf(e.getMessage()), null);
        }
    }

    private byte[] body(NotificationPayload payload) {
        try {
            return json.writeValueAsBytes(payload);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise message_id " + payload.messageId(), e);
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
