package com.gds.alerting.contract;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What a metric record must be to be evaluated by the alerting topology and loaded by the
 * warehouse importer: one rule, one piece of code, so both refuse exactly the same records and a
 * refused record goes to {@code gds.dlq.metrics} with the same reason code from either.
 *
 * <p>Why each limit exists (docs/RELIABILITY.md lists them all):
 * <ul>
 *   <li>event time: before {@link #EARLIEST} is a collector bug (Kafka refuses negative record
 *       timestamps, and nothing this product watches predates it); further ahead of the wall clock
 *       than the allowed skew would make every later true sample look late, and Kafka refuses such
 *       timestamps on the records the topology writes.</li>
 *   <li>sizes: an instance id, a metric name and the tags travel into every alert event, alert
 *       key, store entry and notification; unbounded, one record could make a write larger than the
 *       broker takes and stop the application.</li>
 *   <li>value: NaN and ±Infinity compare with nothing and cannot be stored in every warehouse.</li>
 * </ul>
 */
public final class MetricLimits {

    /** The earliest accepted measurement time (inclusive). */
    public static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    /** How far ahead of the wall clock a measurement may be, unless configured otherwise. */
    public static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    /** Longest instance id, in characters (it is also the record key and part of the alert key). */
    public static final int MAX_INSTANCE_ID_CHARS = 256;
    /** Longest metric name and database type, in characters. */
    public static final int MAX_NAME_CHARS = 256;
    /** Most tags on one metric. */
    public static final int MAX_TAGS = 64;
    /** Longest tag key, in characters. */
    public static final int MAX_TAG_KEY_CHARS = 128;
    /** Longest tag value, in characters. */
    public static final int MAX_TAG_VALUE_CHARS = 1024;

    private MetricLimits() {
    }

    /**
     * Why a metric is refused: a stable upper-case code and a sentence naming the field.
     *
     * @param reason  e.g. {@code TIMESTAMP_OUT_OF_RANGE}, {@code FIELD_TOO_LONG}
     * @param message what is wrong and what to do
     */
    public record Refusal(String reason, String message) {
    }

    /**
     * The refusal for a metric record with this key and these fields, or null when it is
     * accepted. Values may be any {@link CharSequence} (Avro's {@code Utf8} included) so decoders
     * need not copy them first.
     *
     * @param key           the record key (the instance id), or null when the record has none
     * @param nowMillis     the wall clock of whoever checks
     * @param maxClockSkew  how far ahead of {@code nowMillis} a measurement may be
     */
    public static Refusal check(String key, CharSequence instanceId, CharSequence databaseType, CharSequence metricName,
                                double value, long timestampMillis, Map<?, ?> tags, long nowMillis, Duration maxClockSkew) {
        if (key == null) {
            return new Refusal("MISSING_KEY", "metric records are keyed by instance_id; this one has no key");
        }
        // Sizes first: the messages below quote the instance id.
        Refusal sizes = checkSizes(instanceId, databaseType, metricName, tags);
        if (sizes != null) {
            return sizes;
        }
        if (key.length() > MAX_INSTANCE_ID_CHARS) {
            return new Refusal("FIELD_TOO_LONG", "record key is " + key.length() + " characters long, at most "
                    + MAX_INSTANCE_ID_CHARS + " allowed");
        }
        if (!key.contentEquals(instanceId)) {
            return new Refusal("KEY_MISMATCH", "record key '" + key + "' is not the metric's instance_id '" + instanceId
                    + "'; records of one instance must share a key to stay in order");
        }
        if (!Double.isFinite(value)) {
            return new Refusal("NON_FINITE_VALUE", "value of " + metricName + " is " + value
                    + "; collectors must send finite numbers");
        }
        if (timestampMillis < EARLIEST.toEpochMilli()) {
            return new Refusal("TIMESTAMP_OUT_OF_RANGE", "measured at " + describe(timestampMillis)
                    + ", before the earliest accepted time " + EARLIEST + "; fix the collector's clock");
        }
        long ahead = timestampMillis - nowMillis;
        long maxSkew = maxClockSkew.toMillis();
        if (ahead > maxSkew) {
            return new Refusal("FUTURE_TIMESTAMP", "measured at " + describe(timestampMillis) + ", " + ahead / 1000
                    + " s ahead of this host's clock (at most " + maxSkew / 1000 + " s allowed); fix the collector's clock");
        }
        return null;
    }

    /** The refusal for fields over their size limits (or an empty instance id), or null. */
    public static Refusal checkSizes(CharSequence instanceId, CharSequence databaseType, CharSequence metricName,
                                     Map<?, ?> tags) {
        if (instanceId == null || instanceId.length() == 0) {
            return new Refusal("EMPTY_INSTANCE_ID", "instance_id is empty; every metric names the instance it measured");
        }
        Refusal r = tooLong("instance_id", instanceId, MAX_INSTANCE_ID_CHARS);
        if (r == null) {
            r = tooLong("database_type", databaseType, MAX_NAME_CHARS);
        }
        if (r == null) {
            r = tooLong("metric_name", metricName, MAX_NAME_CHARS);
        }
        if (r != null || tags == null) {
            return r;
        }
        if (tags.size() > MAX_TAGS) {
            return new Refusal("TOO_MANY_TAGS", tags.size() + " tags, at most " + MAX_TAGS + " allowed");
        }
        for (Map.Entry<?, ?> tag : tags.entrySet()) {
            CharSequence key = tag.getKey() instanceof CharSequence k ? k : String.valueOf(tag.getKey());
            r = tooLong("tag key", key, MAX_TAG_KEY_CHARS);
            // The field's name is built only for a refusal: this runs for every tag of every metric.
            if (r == null && tag.getValue() instanceof CharSequence v && v.length() > MAX_TAG_VALUE_CHARS) {
                r = tooLong("tag '" + abbreviate(key) + "'", v, MAX_TAG_VALUE_CHARS);
            }
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    private static Refusal tooLong(String field, CharSequence value, int max) {
        if (value != null && value.length() > max) {
            return new Refusal("FIELD_TOO_LONG", field + " is " + value.length() + " characters long, at most " + max
                    + " allowed (starts '" + abbreviate(value) + "')");
        }
        return null;
    }

    private static String abbreviate(CharSequence s) {
        return s.length() <= 40 ? s.toString() : s.subSequence(0, 40) + "…";
    }

    /** An ISO instant, or the raw number where Instant cannot represent it. */
    private static String describe(long millis) {
        try {
            return Instant.ofEpochMilli(millis).toString();
        } catch (RuntimeException e) {
            return millis + " ms since the epoch";
        }
    }
}
