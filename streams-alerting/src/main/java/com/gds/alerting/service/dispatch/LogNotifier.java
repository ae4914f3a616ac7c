package com.gds.alerting.service.dispatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

/**
 * The local-stack default when {@code gds.dispatcher.base-url} is not set: logs each notification
 * it would have sent (subject, message id, then the body), so a first run shows the whole path
 * from metric to notification. Always delivers.
 */
@Singleton
@Requires(missingProperty = "gds.dispatcher.base-url")
public class LogNotifier implements Notifier {

    private static final Logger LOG = LoggerFactory.getLogger("gds.notifications");

    @Override
    public NotifyResult send(NotificationPayload payload) {
        LOG.info("would POST /ingest: {} (message_id {}, severity {}, routing_key {})\n{}", payload.subject(),
                payload.messageId(), payload.severity(), payload.routingKey(), payload.bodyText());
        return NotifyResult.delivered(200);
    }

    @Override
    public String name() {
        return "log";
    }
}
