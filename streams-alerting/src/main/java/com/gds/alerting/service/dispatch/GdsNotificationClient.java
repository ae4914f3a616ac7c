package com.gds.alerting.service.dispatch;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.client.annotation.Client;

/** gds_notification's API, as a Micronaut declarative client on {@code gds.dispatcher.base-url}. */
@Client(value = "${gds.dispatcher.base-url}", configuration = NotificationClientConfiguration.class)
@Requires(property = "gds.dispatcher.base-url")
public interface GdsNotificationClient {

    /** {@code POST /ingest} with the JSON payload; the answer whatever its status, with its body as text. */
    @Post("/ingest")
    @Produces(MediaType.APPLICATION_JSON)
    @Consumes({MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN, MediaType.ALL})
    HttpResponse<String> ingest(@Body NotificationPayload payload);
}
