package com.gds.alerting.service.api;

import java.util.List;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

import com.gds.alerting.service.auth.Rights;

/**
 * {@code GET /api/v1/me}: whether authentication is on and what the presented token may do, so
 * the console can ask for a token, say whose it is, and offer only the actions it allows. Open to
 * anyone: it tells a caller nothing but what their own token grants.
 */
@Controller("/api/v1/me")
@Secured(SecurityRule.IS_ANONYMOUS)
public class SessionController {

    /** {@code auth}: tokens are required; {@code name}: the token's configured name, null without a valid one. */
    @Serdeable(naming = SnakeCaseStrategy.class)
    public record Session(boolean auth, boolean authenticated, @Nullable String name, List<String> rights) {
    }

    private final boolean securityEnabled;

    public SessionController(@Value("${micronaut.security.enabled:true}") boolean securityEnabled) {
        this.securityEnabled = securityEnabled;
    }

    @Get
    public Session me(HttpRequest<?> request) {
        Authentication authentication = request.getUserPrincipal(Authentication.class).orElse(null);
        if (!securityEnabled) {
            return new Session(false, false, null, List.of(Rights.READ, Rights.WRITE));
        }
        if (authentication == null) {
            return new Session(true, false, null, List.of());
        }
        return new Session(true, true, authentication.getName(), List.copyOf(authentication.getRoles()));
    }
}
