package com.gds.alerting.service;

import io.micronaut.runtime.Micronaut;

/** Starts the streams-alerting service: the alerting topology, its REST API, health and metrics. */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) {
        Micronaut.run(Application.class, args);
    }
}
