package com.gds.alerting.collectors.config;

/**
 * {@code collectors.yaml} is wrong. The message names the file, the line, the field (as a path
 * such as {@code targets[2].interval}) and what is wrong with it; never a secret's value.
 */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final String field;

    /**
     * @param file  the configuration file's name as given
     * @param line  1-based line, or 0 when the problem is not at one place
     * @param field the field's path, e.g. {@code targets[2].interval}
     * @param problem what is wrong, in words
     */
    public ConfigException(String file, int line, String field, String problem) {
        super(file + (line > 0 ? ":" + line : "") + ": " + (field.isEmpty() ? "" : field + ": ") + problem);
        this.file = file;
        this.line = line;
        this.field = field;
    }

    public String file() {
        return file;
    }

    /** 1-based line of the offending field, 0 if unknown. */
    public int line() {
        return line;
    }

    /** Path of the offending field, e.g. {@code targets[2].credentials.password_env}. */
    public String field() {
        return field;
    }
}
