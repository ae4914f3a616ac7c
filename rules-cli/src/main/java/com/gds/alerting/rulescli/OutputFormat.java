package com.gds.alerting.rulescli;

/** {@code --output}: what {@code test} and {@code backtest} print. */
enum OutputFormat {
    /** For people: tables, diffs, timelines. */
    text,
    /** One JSON document on stdout, for scripts and CI. */
    json
}
