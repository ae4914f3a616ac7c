package com.gds.alerting.topologies.intake;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Record;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.contract.MetricLimits;
import com.gds.alerting.topologies.AlertingCounters;
import com.gds.alerting.topologies.AlertingCounters.Counter;

/**
 * Turns the bytes of a metrics topic into {@link Metric} records keyed by instance id and stamped
 * with their measurement time (the event time of everything downstream). A record that does not
 * decode, has no key, a key other than its {@code instance_id}, or breaks one of the {@link
 * MetricLimits} (a value that is not a finite number, an event time outside the accepted range,
 * an empty instance id, names or tags over their sizes) is forwarded as a {@link DeadLetter}
 * instead, with the reason; nothing else stops. The upper end of the event-time range is the wall
 * clock plus the allowed clock skew: a collector with a clock
 * hours ahead would otherwise make every later true sample look late, and its event time, carried
 * by the records this topology writes, would be refused by the broker
 * ({@code log.message.timestamp.after.max.ms}, one hour by default) and stop the application.
 *
 * <p>A metric without an {@code environment} tag gets the one its topic name carries
 * ({@code <prefix>.<database_type>.<environment>}), so selectors on environment always work.
 */
public final class MetricIntakeProcessor extends IntakeProcessor {

    private final String metricsPrefix;
    private final Deserializer<Metric> deserializer;
    private final AlertingCounters counters;
    private final Duration maxClockSkew;

    public MetricIntakeProcessor(String name, String metricsPrefix, Deserializer<Metric> deserializer,
                                 AlertingCounters counters, Duration maxClockSkew) {
        super(name, "metric", counters, Counter.METRICS_DEAD_LETTERED);
        this.metricsPrefix = metricsPrefix + ".";
        this.deserializer = deserializer;
        this.counters = counters;
        this.maxClockSkew = maxClockSkew;
    }

    @Override
    Record<Object, Object> accept(Record<byte[], byte[]> record, String topic) {
        requireValue(record, "a metric record without a value carries no sample");
        Metric metric = Decoding.decode(deserializer, topic, record.headers(), record.value(), "a Metric");
        String key = key(record);
        MetricLimits.Refusal refusal = MetricLimits.check(key, metric.getInstanceId(), metric.getDatabaseType(),
                metric.getMetricName(), metric.getValue(), metric.getTimestamp().toEpochMilli(), metric.getTags(), now(),
                maxClockSkew);
        if (refusal != null) {
            throw new Decoding.Refusal(refusal.reason(), refusal.message());
        }
        withEnvironment(metric, topic);
        counters.increment(Counter.METRICS_EVALUATED);
        return record.withKey((Object) key).withValue((Object) metric).withTimestamp(metric.getTimestamp().toEpochMilli());
    }

    private void withEnvironment(Metric metric, String topic) {
        if (metric.getTags().containsKey("environment") || topic == null || !topic.startsWith(metricsPrefix)) {
            return;
        }
        String rest = topic.substring(metricsPrefix.length());
        int dot = rest.indexOf('.');
        if (dot > 0 && dot < rest.length() - 1) {
            Map<String, String> tags = new HashMap<>(metric.getTags());
            tags.put("environment", rest.substring(dot + 1));
            metric.setTags(tags);
        }
    }
}
