package com.gds.alerting.benchmarks;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.sun.net.httpserver.HttpServer;

import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.serde.AvroClassTrust;
import com.gds.alerting.avro.serde.GdsAvroSerializer;
import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.config.Durations;
import com.gds.alerting.contract.GdsTopics;
import com.gds.alerting.contract.TopicLayout;
import com.gds.alerting.localstack.SchemaRegistryHttpServer;

/**
 * The project's alerting service and Prometheus, one after the other on the same machine, on the same synthetic
 * fleet ({@link SideBySideFleet}: {@code --series} series, one sample per series per second) and the same threshold
 * rules ({@code metric > 100} with a {@code for}), each in its own process, measured alike from /proc over a
 * steady-state window after a warm-up (for the service, once it has also caught up with the fleet): CPU-seconds per
 * million samples and resident memory, and their ratios.
 *
 * <ul>
 *   <li><b>service</b>: the shaded jar ({@code java -jar}, {@code --service-heap}), reading the fleet's Avro records
 *       from a broker that is a process of its own ({@link BrokerProcess}), so the broker's CPU is measured and
 *       printed apart; the fleet is published each second by this harness. Samples = the service's own count of
 *       metrics evaluated ({@code gds_alerting_metrics_evaluated_total}) over the window.</li>
 *   <li><b>prometheus</b>: Debian's Prometheus 2.42, scraping the fleet from this harness's exposition-format
 *       pages every second and evaluating the same rules as alerting rules every second. Samples = the fleet's
 *       samples in the pages it scraped over the window (its {@code prometheus_tsdb_head_samples_appended_total}, which
 *       also counts its own series, must show them appended).</li>
 * </ul>
 *
 * <p>A side that did not do the work fails the run instead of printing a ratio: the service fell behind (lag at
 * the window's end, or fewer samples evaluated than published), dead-lettered a sample, or its process died;
 * Prometheus failed or missed a rule evaluation, a scrape failed, or it ingested fewer samples than the fleet has.
 * The verdict is the exit status (0 PASS, 1 FAIL).
 *
 * <pre>
 * java -cp benchmarks/target/gds-benchmarks.jar com.gds.alerting.benchmarks.SideBySideBenchmark
 *     [--series 10000] [--metrics-per-instance 10] [--rules 10] [--for 10s] [--seconds 60] [--warmup 30] [--catch-up 300]
 *     [--sides both] [--partitions 6] [--seed 1] [--breach-per-10k 10] [--service-heap 1g]
 *     [--service-java-options "-XX:StartFlightRecording=filename=svc.jfr,settings=profile"] [--broker-heap 1g]
 *     [--service-jar streams-alerting/target/gds-streams-alerting.jar] [--work-dir target/side-by-side]
 * </pre>
 */
public final class SideBySideBenchmark {

    private static final String REGISTRY_SCOPE = "side-by-side";
    private static final GdsTopics TOPICS = GdsTopics.defaults();
    private static final String APPLICATION_ID = "gds-alerting";
    /** The service is behind when more than this many seconds of the fleet wait for it at the window's end. */
    private static final int MAX_LAG_SECONDS = 2;
    /** A side must have counted at least this share of the samples the fleet offered in the window. */
    private static final double MIN_SAMPLE_SHARE = 0.95;

    private final SideBySideFleet fleet;
    private final int seconds;
    private final int warmup;
    private final int catchUp;
    private final String sides;
    private final int partitions;
    private final String serviceHeap;
    private final List<String> serviceJavaOptions;
    private final String brokerHeap;
    private final Path serviceJar;
    private final Path workDir;

    private SideBySideBenchmark(Map<String, String> args) {
        fleet = new SideBySideFleet(Integer.parseInt(args.getOrDefault("series", "10000")),
                Integer.parseInt(args.getOrDefault("metrics-per-instance", "10")), Integer.parseInt(args.getOrDefault("rules", "10")),
                Durations.parse(args.getOrDefault("for", "10s")).toMillis(), Long.parseLong(args.getOrDefault("seed", "1")),
                Integer.parseInt(args.getOrDefault("breach-per-10k", "10")));
        seconds = Integer.parseInt(args.getOrDefault("seconds", "60"));
        warmup = Integer.parseInt(args.getOrDefault("warmup", "30"));
        catchUp = Integer.parseInt(args.getOrDefault("catch-up", "300"));
        sides = args.getOrDefault("sides", "both");
        if (!List.of("both", "service", "prometheus").contains(sides)) {
            throw new IllegalArgumentException("--sides must be both, service or prometheus, got " + sides);
        }
        partitions = Integer.parseInt(args.getOrDefault("partitions", "6"));
        serviceHeap = args.getOrDefault("service-heap", "1g");
        String extra = args.getOrDefault("service-java-options", "").trim();
        serviceJavaOptions = extra.isEmpty() ? List.of() : Arrays.asList(extra.split("\\s+"));
        brokerHeap = args.getOrDefault("broker-heap", "1g");
        serviceJar = Path.of(args.getOrDefault("service-jar", "streams-alerting/target/gds-streams-alerting.jar")).toAbsolutePath();
        workDir = Path.of(args.getOrDefault("work-dir", "target/side-by-side")).toAbsolutePath();
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = BenchArgs.parse("SideBySideBenchmark", argv, "series", "metrics-per-instance", "rules", "for",
                "seconds", "warmup", "catch-up", "sides", "partitions", "seed", "breach-per-10k", "service-heap", "service-java-options",
                "broker-heap", "service-jar", "work-dir");
        boolean pass = new SideBySideBenchmark(args).run();
        System.exit(pass ? 0 : 1);
    }

    /** What one side did over the measured window. */
    record Side(String name, double cpuSeconds, double samples, long rssEnd, long rssPeak, String loadStart, String loadEnd,
            List<String> failures) {

        /** A side that could not be measured at all (did not start, did not catch up, died): the reason is its failure. */
        static Side failed(String name, IOException cause) {
            return new Side(name, Double.NaN, Double.NaN, 0, 0, "-", "-", List.of(name + ": " + cause.getMessage()));
        }

        double cpuPerMillion() {
            return samples <= 0 ? Double.NaN : cpuSeconds / (samples / 1e6);
        }

        String line() {
            return String.format(Locale.ROOT, "%-11s %8.1f  %,12.0f  %9.2f  %7d  %7d  %s -> %s", name, cpuSeconds, samples,
                    cpuPerMillion(), rssEnd >> 20, rssPeak >> 20, loadStart, loadEnd);
        }
    }

    private boolean run() throws Exception {
        AvroClassTrust.install();
        Files.createDirectories(workDir);
        System.out.printf(Locale.ROOT, "side by side: %,d series (%,d instances) at 1 sample/s, %,d threshold rules (> %.0f, for %d ms), "
                + "%d s warm-up, %d s measured; load average %s%n", fleet.series(), fleet.instances(), fleet.rules(),
                SideBySideFleet.THRESHOLD, fleet.forMillis(), warmup, seconds, PipelineBenchmark.loadAverage());
        List<Side> results = new ArrayList<>();
        if (!sides.equals("prometheus")) {
            try {
                results.addAll(runService());
            } catch (IOException e) {
                results.add(Side.failed("service", e));
            }
        }
        if (!sides.equals("service")) {
            try {
                results.add(runPrometheus());
            } catch (IOException e) {
                results.add(Side.failed("prometheus", e));
            }
        }
        return report(results);
    }

    // ---- the service -----------------------------------------------------------------------------------------------

    /** The service's side and the broker's (same samples, its own CPU and memory). */
    private List<Side> runService() throws Exception {
        if (!Files.isRegularFile(serviceJar)) {
            throw new IOException("no service jar at " + serviceJar + ": build it (./mvnw -pl benchmarks -am package -DskipTests) "
                    + "and run from the repository root, or pass --service-jar");
        }
        Path dir = Files.createTempDirectory(workDir, "service-");
        List<String> failures = new ArrayList<>();
        List<String> brokerFailures = new ArrayList<>();
        InMemorySchemaRegistry registry = InMemorySchemaRegistry.forScope(REGISTRY_SCOPE);
        String registryUrl = InMemorySchemaRegistry.SCHEME + REGISTRY_SCOPE;
        try (SchemaRegistryHttpServer registryServer = new SchemaRegistryHttpServer(registry, 0);
                BrokerHandle broker = BrokerHandle.start(dir, brokerHeap)) {
            List<String> metricsTopics = SideBySideFleet.TYPES.stream().map(t -> TOPICS.metricsTopic(t, SideBySideFleet.ENVIRONMENT)).toList();
            TopicLayout.create(broker.bootstrap(), TOPICS, metricsTopics, partitions);
            publishRules(broker.bootstrap(), registryUrl);
            int port = freePort();
            Map<String, String> props = new LinkedHashMap<>();
            props.put("micronaut.security.enabled", "false");
            props.put("gds.alerting.advertised-address", "localhost:" + port);
            props.put("gds.alerting.state-dir", Files.createDirectories(dir.resolve("state")).toString());
            props.put("gds.serde.schema.registry.url", registryServer.url());
            props.put("kafka.bootstrap.servers", broker.bootstrap());
            // Prometheus has no Alertmanager here either: evaluation only, no notifications, no self-monitoring load.
            props.put("gds.dispatcher.enabled", "false");
            props.put("gds.watchdog.enabled", "false");
            props.put("gds.self-monitor.enabled", "false");
            List<String> javaOptions = new ArrayList<>(List.of("-Xmx" + serviceHeap));
            javaOptions.addAll(serviceJavaOptions);
            try (ServiceProcess service = ServiceProcess.launch(serviceJar, javaOptions, props, port, dir.resolve("service.log"))) {
                service.awaitReady(Duration.ofMinutes(3));
                awaitRulesAccepted(service);
                System.out.printf(Locale.ROOT, "service: pid %d ready, %,d rules in force; broker pid %d; logs in %s%n", service.pid(),
                        fleet.rules(), broker.pid(), dir);
                SideBySidePublisher publisher = new SideBySidePublisher(fleet, broker.bootstrap(), registryUrl);
                Thread publishing = new Thread(publisher, "side-by-side-fleet");
                publishing.start();
                try {
                    Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
                    awaitCaughtUp(broker.bootstrap(), metricsTopics, service);
                    String serviceStart = service.metrics();
                    double serviceCpu0 = ProcStat.cpuSeconds(service.pid());
                    double brokerCpu0 = ProcStat.cpuSeconds(broker.pid());
                    long published0 = publisher.published();
                    long late0 = publisher.lateSeconds();
                    ProcessCpu harnessCpu = ProcessCpu.start();
                    String loadStart = PipelineBenchmark.loadAverage();
                    long[] servicePeak = {0};
                    long[] brokerPeak = {0};
                    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
                    while (System.nanoTime() < end) {
                        if (!service.process().isAlive()) {
                            throw new IOException("the service process died during the window; its log: " + dir.resolve("service.log"));
                        }
                        servicePeak[0] = Math.max(servicePeak[0], ProcStat.rssBytes(service.pid()));
                        brokerPeak[0] = Math.max(brokerPeak[0], ProcStat.rssBytes(broker.pid()));
                        Thread.sleep(1000);
                    }
                    double serviceCpu = ProcStat.cpuSeconds(service.pid()) - serviceCpu0;
                    double brokerCpu = ProcStat.cpuSeconds(broker.pid()) - brokerCpu0;
                    long published = publisher.published() - published0;
                    long lateSeconds = publisher.lateSeconds() - late0;
                    String serviceEnd = service.metrics();
                    long serviceRss = ProcStat.rssBytes(service.pid());
                    long brokerRss = ProcStat.rssBytes(broker.pid());
                    servicePeak[0] = Math.max(servicePeak[0], serviceRss);
                    brokerPeak[0] = Math.max(brokerPeak[0], brokerRss);
                    String loadEnd = PipelineBenchmark.loadAverage();
                    long lag = lag(broker.bootstrap(), metricsTopics);
                    System.out.printf(Locale.ROOT, "harness (fleet publisher, schema registry): %s%n", harnessCpu.summary());

                    double evaluated = delta(serviceStart, serviceEnd, "gds_alerting_metrics_evaluated_total");
                    double evaluations = delta(serviceStart, serviceEnd, "gds_alerting_evaluations_total");
                    double deadLettered = delta(serviceStart, serviceEnd, "gds_alerting_metrics_dead_lettered_total");
                    double late = delta(serviceStart, serviceEnd, "gds_alerting_samples_late_total");
                    double events = delta(serviceStart, serviceEnd, "gds_alerting_events_total");
                    if (lateSeconds > 0) {
                        // Not a failure by itself: the samples still came, a moment late; too few samples in the window is.
                        System.out.printf(Locale.ROOT, "fleet: %,d of the window's seconds were published late (the machine is loaded)%n",
                                lateSeconds);
                    }
                    System.out.printf(Locale.ROOT, "service: %,.0f samples evaluated (%,d published in the window), %,.0f rule evaluations, "
                            + "%,.0f events, %,.0f late, %,.0f dead-lettered; lag at the window's end %,d records%n", evaluated, published,
                            evaluations, events, late, deadLettered, lag);
                    if (Double.isNaN(evaluated) || evaluated < MIN_SAMPLE_SHARE * published) {
                        failures.add(String.format(Locale.ROOT, "service evaluated %,.0f samples of the %,d published in the window: it fell behind",
                                evaluated, published));
                    }
                    if (lag > (long) MAX_LAG_SECONDS * fleet.series()) {
                        failures.add(String.format(Locale.ROOT, "service lag %,d records at the window's end (more than %d s of the fleet)",
                                lag, MAX_LAG_SECONDS));
                    }
                    if (!(deadLettered == 0)) {
                        failures.add(String.format(Locale.ROOT, "service dead-lettered %,.0f samples", deadLettered));
                    }
                    if (late > 0) {
                        failures.add(String.format(Locale.ROOT, "service found %,.0f samples late: the fleet's timestamps went backwards", late));
                    }
                    if (published < MIN_SAMPLE_SHARE * (long) fleet.series() * seconds) {
                        failures.add(String.format(Locale.ROOT, "the fleet published %,d samples in the window, not %,d: the machine "
                                + "was too loaded to offer the rate", published, (long) fleet.series() * seconds));
                    }
                    failures.addAll(publisher.failures());
                    return List.of(new Side("service", serviceCpu, evaluated, serviceRss, servicePeak[0], loadStart, loadEnd, failures),
                            new Side("broker", brokerCpu, evaluated, brokerRss, brokerPeak[0], loadStart, loadEnd, brokerFailures));
                } finally {
                    publisher.stop();
                    publishing.join(TimeUnit.SECONDS.toMillis(30));
                }
            }
        } finally {
            InMemorySchemaRegistry.dropScope(REGISTRY_SCOPE);
        }
    }

    private void publishRules(String bootstrap, String registryUrl) throws IOException {
        GdsAvroSerializer<Rule> serializer = new GdsAvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", registryUrl), false);
        CheckedSends sends = new CheckedSends("rules to " + TOPICS.rules());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(CheckedSends.oneRequestInFlight(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap)), new StringSerializer(), new ByteArraySerializer())) {
            for (Rule rule : fleet.projectRules()) {
                sends.send(producer, new ProducerRecord<>(TOPICS.rules(), rule.getRuleId(), serializer.serialize(TOPICS.rules(), rule)));
            }
            sends.flushAndCheck(producer);
        }
    }

    /** Waits until the service holds every rule, so the window measures the fleet's evaluation, not rule intake. */
    private void awaitRulesAccepted(ServiceProcess service) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        double accepted;
        while ((accepted = ExpositionText.sum(service.metrics(), "gds_alerting_rules_accepted_total")) < fleet.rules()) {
            if (System.nanoTime() > deadline) {
                throw new IOException(String.format(Locale.ROOT, "the service accepted %.0f of %d rules in 3 minutes", accepted, fleet.rules()));
            }
            Thread.sleep(500);
        }
    }

    /**
     * Waits (at most {@code --catch-up} seconds) until the service's lag is within {@link #MAX_LAG_SECONDS} of the
     * fleet, so the window measures the steady state and not a fresh JVM working off its backlog (on a loaded machine
     * a fresh service takes a minute or more to keep up). Throws when it does not catch up: there is no steady state
     * to measure.
     */
    private void awaitCaughtUp(String bootstrap, List<String> metricsTopics, ServiceProcess service) throws Exception {
        long started = System.nanoTime();
        long deadline = started + TimeUnit.SECONDS.toNanos(catchUp);
        long lag;
        while ((lag = lag(bootstrap, metricsTopics)) > (long) MAX_LAG_SECONDS * fleet.series()) {
            if (!service.process().isAlive()) {
                throw new IOException("the service process died while catching up");
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(String.format(Locale.ROOT, "the service did not catch up with the fleet within %d s after the "
                        + "warm-up (lag %,d records); no steady state to measure (--catch-up, or a less loaded machine)", catchUp, lag));
            }
            Thread.sleep(2000);
        }
        System.out.printf(Locale.ROOT, "service: caught up (lag %,d records) %.0f s after the %d s warm-up; load average %s%n", lag,
                (System.nanoTime() - started) / 1e9, warmup, PipelineBenchmark.loadAverage());
    }

    /** Records of the metrics topics the service's group has not committed yet. */
    private long lag(String bootstrap, List<String> metricsTopics) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
            for (String topic : metricsTopics) {
                for (int p = 0; p < partitions; p++) {
                    specs.put(new TopicPartition(topic, p), OffsetSpec.latest());
                }
            }
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(APPLICATION_ID)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            long lag = 0;
            for (var end : admin.listOffsets(specs).all().get(30, TimeUnit.SECONDS).entrySet()) {
                OffsetAndMetadata c = committed.get(end.getKey());
                lag += end.getValue().offset() - (c == null ? 0 : c.offset());
            }
            return lag;
        }
    }

    // ---- Prometheus ------------------------------------------------------------------------------------------------

    private Side runPrometheus() throws Exception {
        Path dir = Files.createTempDirectory(workDir, "prometheus-");
        List<String> failures = new ArrayList<>();
        AtomicLong scrapes = new AtomicLong();
        AtomicLong samplesServed = new AtomicLong();
        HttpServer pages = fleetPages(scrapes, samplesServed);
        int port;
        do {
            port = freePort();
        } while (port == 9090);
        try (PrometheusProcess prometheus = PrometheusProcess.start(Path.of("").toAbsolutePath(), dir, fleet,
                "http://127.0.0.1:" + pages.getAddress().getPort(), port)) {
            if (!prometheus.awaitQuery("count(up == 1)", SideBySideFleet.TYPES.size(), Duration.ofMinutes(1))) {
                throw new IOException("Prometheus did not scrape the fleet's " + SideBySideFleet.TYPES.size()
                        + " pages within 1 minute; see its targets at /api/v1/targets, log in " + dir);
            }
            double rulesLoaded = ExpositionText.sum(prometheus.metrics(), "prometheus_rule_group_rules");
            System.out.printf(Locale.ROOT, "prometheus: pid %d on 127.0.0.1:%d, %,.0f rules loaded; files and log in %s%n", prometheus.pid(),
                    port, rulesLoaded, dir);
            if (rulesLoaded != fleet.rules()) {
                failures.add(String.format(Locale.ROOT, "Prometheus loaded %,.0f of %,d rules", rulesLoaded, fleet.rules()));
            }
            Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
            String start = prometheus.metrics();
            double cpu0 = ProcStat.cpuSeconds(prometheus.pid());
            String loadStart = PipelineBenchmark.loadAverage();
            long scrapes0 = scrapes.get();
            long served0 = samplesServed.get();
            long peak = 0;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < end) {
                peak = Math.max(peak, ProcStat.rssBytes(prometheus.pid()));
                Thread.sleep(1000);
            }
            double cpu = ProcStat.cpuSeconds(prometheus.pid()) - cpu0;
            long rss = ProcStat.rssBytes(prometheus.pid());
            peak = Math.max(peak, rss);
            String loadEnd = PipelineBenchmark.loadAverage();
            String finish = prometheus.metrics();
            long scraped = scrapes.get() - scrapes0;
            long served = samplesServed.get() - served0;

            double appended = delta(start, finish, "prometheus_tsdb_head_samples_appended_total");
            double evaluations = delta(start, finish, "prometheus_rule_evaluations_total");
            double evaluationFailures = delta(start, finish, "prometheus_rule_evaluation_failures_total");
            double missed = delta(start, finish, "prometheus_rule_group_iterations_missed_total");
            double iterations = delta(start, finish, "prometheus_rule_group_iterations_total");
            double lastDuration = ExpositionText.sum(finish, "prometheus_rule_group_last_duration_seconds");
            double up = prometheus.query("count(up == 1)");
            double scrapedSamples = prometheus.query("sum(scrape_samples_scraped)");
            double firing = prometheus.query("count(ALERTS{alertstate=\"firing\"})");
            System.out.printf(Locale.ROOT, "prometheus: %,d fleet samples scraped (%,d scrapes), %,.0f samples appended (its own "
                    + "series and ALERTS included), %,.0f rule-group iterations (%,.0f missed, last took %.1f ms), %,.0f rule evaluations "
                    + "(%,.0f failed), %s alerts firing at the end%n", served, scraped, appended, iterations, missed, lastDuration * 1000, evaluations, evaluationFailures,
                    Double.isNaN(firing) ? "no" : String.format(Locale.ROOT, "%,.0f", firing));
            long expected = (long) fleet.series() * seconds;
            if (Double.isNaN(appended) || appended < MIN_SAMPLE_SHARE * expected || served < MIN_SAMPLE_SHARE * expected) {
                failures.add(String.format(Locale.ROOT, "Prometheus scraped %,d and appended %,.0f samples, the fleet has %,d (%d s × %,d "
                        + "series)", served, appended, expected, seconds, fleet.series()));
            }
            if (!(evaluationFailures == 0)) {
                failures.add(String.format(Locale.ROOT, "Prometheus: %,.0f rule evaluations failed (see its log)", evaluationFailures));
            }
            if (!(missed == 0)) {
                failures.add(String.format(Locale.ROOT, "Prometheus missed %,.0f rule-group iterations: it could not evaluate every second",
                        missed));
            }
            if (!(iterations >= MIN_SAMPLE_SHARE * seconds)) {
                failures.add(String.format(Locale.ROOT, "Prometheus evaluated the rules %,.0f times in %d s", iterations, seconds));
            }
            if (up != SideBySideFleet.TYPES.size() || scrapedSamples != fleet.series()) {
                failures.add(String.format(Locale.ROOT, "Prometheus' last scrapes: %.0f of %d targets up, %.0f of %,d series scraped", up,
                        SideBySideFleet.TYPES.size(), scrapedSamples, fleet.series()));
            }
            return new Side("prometheus", cpu, served, rss, peak, loadStart, loadEnd, failures);
        } finally {
            pages.stop(0);
        }
    }

    /**
     * The fleet's exposition-format pages, one per database type ({@code /metrics/<type>}), at the current second;
     * counts the scrapes served and the fleet samples they carried.
     */
    private HttpServer fleetPages(AtomicLong scrapes, AtomicLong samplesServed) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(2));
        for (String type : SideBySideFleet.TYPES) {
            server.createContext("/metrics/" + type, exchange -> {
                StringBuilder page = new StringBuilder(64 * fleet.series() / SideBySideFleet.TYPES.size());
                int written = fleet.exposition(type, System.currentTimeMillis() / 1000, page);
                byte[] body = page.toString().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
                scrapes.incrementAndGet();
                samplesServed.addAndGet(written);
            });
        }
        server.start();
        return server;
    }

    // ---- report ----------------------------------------------------------------------------------------------------

    private boolean report(List<Side> results) {
        System.out.println();
        System.out.println("side        CPU-s     samples       CPU-s/M  RSS MiB  peak MiB  load start -> end");
        results.forEach(s -> System.out.println(s.line()));
        List<String> failures = results.stream().flatMap(s -> s.failures().stream()).toList();
        Side service = find(results, "service");
        Side broker = find(results, "broker");
        Side prometheus = find(results, "prometheus");
        if (failures.isEmpty() && service != null && prometheus != null) {
            System.out.printf(Locale.ROOT, "ratio, CPU per sample: service / Prometheus %.2f×; service + broker / Prometheus %.2f×%n",
                    service.cpuPerMillion() / prometheus.cpuPerMillion(),
                    (service.cpuPerMillion() + broker.cpuPerMillion()) / prometheus.cpuPerMillion());
            System.out.printf(Locale.ROOT, "ratio, resident memory at the end: service / Prometheus %.2f× (peak %.2f×)%n",
                    (double) service.rssEnd() / prometheus.rssEnd(), (double) service.rssPeak() / prometheus.rssPeak());
        } else if (!failures.isEmpty()) {
            System.out.println("no ratio: a side did not do the work (below)");
        }
        failures.forEach(f -> System.out.println("FAILED: " + f));
        boolean pass = failures.isEmpty();
        System.out.println("verdict: " + (pass ? "PASS" : "FAIL") + " (exit status " + (pass ? 0 : 1) + ")");
        return pass;
    }

    private static Side find(List<Side> results, String name) {
        return results.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
    }

    /** The change of a counter between two pages; NaN when either page lacks it. */
    private static double delta(String before, String after, String metric) {
        return ExpositionText.sum(after, metric) - ExpositionText.sum(before, metric);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
