package com.gds.alerting.service.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.token.validator.TokenValidator;

/**
 * Bearer tokens configured per deployment ({@link TokenSettings}), each with read and/or write
 * rights. Tokens are compared by their SHA-256 in constant time; neither a token nor its hash is
 * ever logged, only the token's name.
 *
 * <p>Created at startup ({@link Context}), not at the first request: a bad token configuration
 * stops the service from starting with a message naming the key, instead of a service that says
 * "Startup completed" and then answers 500 to every request.
 */
@Context
@Requires(property = "micronaut.security.enabled", notEquals = "false")
public class StaticTokenValidator implements TokenValidator<HttpRequest<?>> {

    private static final Logger LOG = LoggerFactory.getLogger(StaticTokenValidator.class);

    private record Known(String name, byte[] sha256, List<String> rights) {
    }

    private final List<Known> tokens = new ArrayList<>();

    public StaticTokenValidator(List<TokenSettings> settings) {
        for (TokenSettings s : settings) {
            byte[] digest;
            if (s.getSha256() != null && !s.getSha256().isBlank()) {
                try {
                    digest = HexFormat.of().parseHex(s.getSha256().trim().toLowerCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("gds.auth.tokens." + s.getName() + ".sha256 is not hexadecimal", e);
                }
                if (digest.length != 32) {
                    throw new IllegalArgumentException("gds.auth.tokens." + s.getName() + ".sha256 must be 64 hexadecimal"
                            + " digits (a SHA-256), got " + s.getSha256().trim().length());
                }
            } else if (s.getToken() != null && !s.getToken().isBlank()) {
                digest = sha256(s.getToken());
            } else {
                throw new IllegalArgumentException("gds.auth.tokens." + s.getName() + " needs 'sha256' or 'token'");
            }
            if (s.getRights() == null || s.getRights().isEmpty()) {
                throw new IllegalArgumentException("gds.auth.tokens." + s.getName() + ".rights: give read and/or write");
            }
            for (String right : s.getRights()) {
                if (!right.equals(Rights.READ) && !right.equals(Rights.WRITE)) {
                    throw new IllegalArgumentException("gds.auth.tokens." + s.getName() + ".rights: unknown right '" + right
                            + "'; use read and/or write");
                }
            }
            tokens.add(new Known(s.getName(), digest, List.copyOf(s.getRights())));
        }
        LOG.info("API authentication on: {} token(s) configured ({})", tokens.size(),
                tokens.stream().map(t -> t.name() + " " + t.rights()).toList());
    }

    @Override
    public Publisher<Authentication> validateToken(String token, HttpRequest<?> request) {
        byte[] presented = sha256(token);
        for (Known known : tokens) {
            if (MessageDigest.isEqual(known.sha256(), presented)) {
                return Publishers.just(Authentication.build(known.name(), known.rights()));
            }
        }
        return Publishers.empty();
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
