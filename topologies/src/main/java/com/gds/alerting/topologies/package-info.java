/**
 * The alerting topologies: pure Kafka Streams, built by plain functions from typed configuration,
 * tested with {@code TopologyTestDriver}. No Micronaut, no HTTP (the build enforces it).
 *
 * <p>The metrics × rules topology, the rule model and the alert lifecycle land here with the
 * "Alerting topology" issue.
 */
package com.gds.alerting.topologies;
