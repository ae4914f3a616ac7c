package com.gds.alerting.service.query;

import java.net.MalformedURLException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.streams.state.HostInfo;

import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.HttpClientConfiguration;
import io.micronaut.http.client.DefaultHttpClientConfiguration;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import com.gds.alerting.service.streams.AlertingSettings;

/** One HTTP client per other instance, created on first use, with the forward timeout. */
@Singleton
public class ForwardingClients {

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

    @PreDestroy
    void close() {
        clients.values().forEach(HttpClient::close);
    }
}
