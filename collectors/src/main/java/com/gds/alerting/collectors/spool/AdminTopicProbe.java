package com.gds.alerting.collectors.spool;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** A {@link TopicProbe} through the Admin API's describe-topics, with the producer's connection settings. */
public final class AdminTopicProbe implements TopicProbe, AutoCloseable {

    private final Admin admin;
    private final Duration timeout;

    /**
     * @param clientConfig the producer's settings (bootstrap servers, security); keys the Admin
     *                     client does not know are left out
     */
    public AdminTopicProbe(Map<String, Object> clientConfig, Duration timeout) {
        Map<String, Object> config = new java.util.HashMap<>();
        clientConfig.forEach((k, v) -> {
            if (AdminClientConfig.configNames().contains(k) && !k.equals(AdminClientConfig.CLIENT_ID_CONFIG)) {
                config.put(k, v);
            }
        });
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "gds-collectors-topic-probe");
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        this.admin = Admin.create(config);
        this.timeout = timeout;
    }

    @Override
    public Verdict check(String topic) {
        try {
            admin.describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs((int) timeout.toMillis()))
                    .allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return Verdict.WRITABLE;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Verdict.undeliverable("topic " + topic + " does not exist");
            }
            if (e.getCause() instanceof TopicAuthorizationException) {
                return Verdict.undeliverable("not authorized to use topic " + topic);
            }
            return Verdict.unknown(String.valueOf(e.getCause()));
        } catch (TimeoutException e) {
            return Verdict.unknown("the cluster did not answer within " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Verdict.unknown("interrupted");
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
    }
}
