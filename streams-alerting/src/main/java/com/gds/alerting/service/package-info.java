/**
 * The Micronaut service that hosts the alerting topology: interactive-query REST, the write
 * endpoints, the notification dispatcher, the console, health and metrics. Its dependencies are
 * declared (and checked for convergence with Kafka 4.3.1); the service lands with the
 * "streams-alerting service" issue.
 */
package com.gds.alerting.service;
