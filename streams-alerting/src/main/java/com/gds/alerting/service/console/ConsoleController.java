package com.gds.alerting.service.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;

/**
 * Serves the web console's page at {@code /}; its scripts and styles are static resources under
 * {@code /console/} ({@code micronaut.router.static-resources.console}), all inside this jar. The
 * page holds no data: it reads the REST API with the token the user enters, so it is open.
 * The content security policy allows nothing from another origin.
 */
@Controller
@Secured(SecurityRule.IS_ANONYMOUS)
public class ConsoleController {

    /** Nothing but this origin: no CDN, no inline script. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    private final String page;

    public ConsoleController() {
        try (InputStream in = ConsoleController.class.getResourceAsStream("/console/index.html")) {
            if (in == null) {
                throw new IllegalStateException("console/index.html is missing from the jar");
            }
            page = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read console/index.html", e);
        }
    }

    @Get(produces = MediaType.TEXT_HTML)
    public HttpResponse<String> index() {
        return HttpResponse.ok(page)
                .header("Cache-Control", "no-cache")
                .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer");
    }
}
