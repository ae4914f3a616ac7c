package com.gds.alerting.service.dispatch;

import io.micronaut.http.client.HttpClientConfiguration;
import jakarta.inject.Singleton;

/**
 * The HTTP client settings of {@link GdsNotificationClient}, taken from {@code gds.dispatcher.*}
 * so that all the dispatcher's knobs live under one prefix: timeouts, a keep-alive pool as large
 * as the delivery concurrency, and error statuses returned as responses (the notifier classifies
 * them) rather than thrown.
 */
@Singleton
public class NotificationClientConfiguration extends HttpClientConfiguration {

    private final ConnectionPoolConfiguration pool = new ConnectionPoolConfiguration();

    public NotificationClientConfiguration(DispatcherSettings settings) {
        setConnectTimeout(settings.getConnectTimeout());
        setReadTimeout(settings.getRequestTimeout());
        setRequestTimeout(settings.getRequestTimeout());
        setExceptionOnErrorStatus(false);
        pool.setEnabled(true);
        pool.setMaxConcurrentHttp1Connections(settings.getConcurrency());
    }

    @Override
    public ConnectionPoolConfiguration getConnectionPoolConfiguration() {
        return pool;
    }
}
