package com.gds.alerting.service.auth;

import java.util.List;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;

/**
 * One API token, {@code gds.auth.tokens.<name>.*}: its SHA-256 ({@code sha256}, hex, so the
 * configuration holds no secret) or the token itself ({@code token}, e.g. from an environment
 * variable), and its rights ({@code read}, {@code write}).
 */
@EachProperty("gds.auth.tokens")
public class TokenSettings {

    private final String name;
    private String sha256;
    private String token;
    private List<String> rights = List.of(Rights.READ);

    public TokenSettings(@Parameter String name) {
        this.name = name;
    }

    public String getName() {
        return name;
    }

    public String getSha256() {
        return sha256;
    }

    public void setSha256(String sha256) {
        this.sha256 = sha256;
    }

    public String getToken() {
        return token;
    }

    public void setToken(String token) {
        this.token = token;
    }

    public List<String> getRights() {
        return rights;
    }

    public void setRights(List<String> rights) {
        this.rights = rights;
    }

    @Override
    public String toString() {
        return "token '" + name + "' " + rights; // never the token or its hash
    }
}
