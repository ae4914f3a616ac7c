package com.gds.alerting.service.query;

/** A request parameter the service cannot use (HTTP 400, naming it). */
public class BadRequestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BadRequestException(String message) {
        super(message);
    }
}
