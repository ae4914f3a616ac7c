package com.gds.alerting.importer;

/** A setting is missing or wrong; the message names the key, the value (never a secret's) and where it was read. */
public class ImporterConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ImporterConfigException(String message) {
        super(message);
    }
}
