package com.gds.alerting.service.query;

import java.net.MalformedURLException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.streams.state.HostInfo;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.DefaultHttpClientConfiguration;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.HttpClientConfiguration;
import io.micronaut.http.client.exceptions.HttpClientException;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import com.gds.alerting.service.streams.AlertingSettings;

/**
 * Asks another instance: one HTTP client per instance, created on first use, with the forward
 * timeout. Its answer is classified the way the caller must pass it on:
 * <ul>
 *   <li>404 → {@link NotFoundException} (404);</li>
 *   <li>503, no connection, no answer in time, connection closed → {@link StateMigratingException}
 *       (503 + {@code Retry-After}): the state is moving or the instance is going away, retry;</li>
 *   <li>any other status (400, 401, 403, 500, ...) or an unreadable answer →
 *       {@link PeerFailedException} (502 naming the instance and its status): retrying will not
 *       help, and saying "migrating" would make clients retry forever.</li>
 * </ul>
 */
@Singleton
public class ForwardingClients {

    private static final int MAX_MESSAGE = 500;

    private final Map<HostInfo, HttpClient> clients = new ConcurrentHashMap<>();
    private final HttpClientConfiguration configuration;

    public ForwardingClients(AlertingSettings settings) {
        DefaultHttpClientConfiguration config = new DefaultHttpClientConfiguration();
        config.setReadTimeout(settings.getForwardTimeout());
        config.setConnectTimeout(settings.getForwardTimeout());
        this.configuration = config;
    }

    public HttpClient to(HostInfo host) {
        return clients.computeIfAbsent(host, h -> {
            try {
                return HttpClient.create(URI.create("http://" + h.host() + ":" + h.port()).toURL(), configuration);
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException("bad instance address " + h, e);
            }
        });
    }

    /**
     * GETs {@code uri} from {@code host} with the caller's {@code Authorization} header.
     *
     * @throws NotFoundException        the instance has no such thing
     * @throws StateMigratingException  it answered 503 or did not answer
     * @throws PeerFailedException      it answered another error, or something unreadable
     */
    public <T> T get(HostInfo host, URI uri, HttpRequest<?> original, Argument<T> type) {
        MutableHttpRequest<?> request = HttpRequest.GET(uri.toString());
        original.getHeaders().getAuthorization().ifPresent(value -> request.header("Authorization", value));
        try {
            return to(host).toBlocking().retrieve(request, type);
        } catch (HttpClientResponseException e) {
            throw classify(host, uri, e);
        } catch (HttpClientException e) {
            throw new StateMigratingException("instance " + address(host) + " did not answer " + uri + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new PeerFailedException(host, 0, "instance " + address(host) + " answered " + uri
                    + " with something this instance cannot read: " + abbreviate(e.getMessage()), e);
        }
    }

    static RuntimeException classify(HostInfo host, URI uri, HttpClientResponseException e) {
        int code = e.getResponse().code();
        String said = abbreviate(e.getMessage());
        if (code == HttpStatus.NOT_FOUND.getCode()) {
            return new NotFoundException(said);
        }
        if (code == HttpStatus.SERVICE_UNAVAILABLE.getCode()) {
            return new StateMigratingException("instance " + address(host) + " answered 503 for " + uri + ": " + said, e);
        }
        if (code >= 200 && code < 300) {
            return new PeerFailedException(host, code, "instance " + address(host) + " answered " + uri
                    + " with a body this instance cannot read: " + said, e);
        }
        return new PeerFailedException(host, code, "instance " + address(host) + " answered " + code + " "
                + e.getResponse().reason() + " for " + uri + ": " + said, e);
    }

    private static String address(HostInfo host) {
        return host.host() + ":" + host.port();
    }

    private static String abbreviate(String message) {
        if (message == null) {
            return "(no message)";
        }
        return message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE) + "...";
    }

    @PreDestroy
    void close() {
        clients.values().forEach(HttpClient::close);
    }
}
