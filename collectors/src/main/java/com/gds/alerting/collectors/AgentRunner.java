package com.gds.alerting.collectors;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.gds.alerting.collectors.agent.CollectorAgent;
import com.gds.alerting.collectors.config.CollectorsConfig;
import com.gds.alerting.collectors.config.ConfigException;
import com.gds.alerting.collectors.config.ConfigLoader;
import com.gds.alerting.collectors.health.HealthServer;

/**
 * Loads the configuration, starts the agent and its health server, and runs until {@code stop}
 * is released (by the JVM's shutdown hook from {@link Main}, or by an embedding process such as
 * the local stack).
 */
public final class AgentRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AgentRunner.class);

    private final CollectorAgent agent;
    private final HealthServer health;

    private AgentRunner(CollectorAgent agent, HealthServer health) {
        this.agent = agent;
        this.health = health;
    }

    /** Starts the agent for {@code config}; a {@link ConfigException} if the file is wrong. */
    public static AgentRunner start(CollectorsConfig config) {
        CollectorAgent agent = new CollectorAgent(config).start();
        try {
            HealthServer health = config.agent().healthPort() < 0 ? null
                    : new HealthServer(agent, config.agent().healthBind(), config.agent().healthPort());
            if (health != null) {
                LOG.info("agent health on http://{}:{}/health and /metrics", config.agent().healthBind(), health.port());
            }
            return new AgentRunner(agent, health);
        } catch (RuntimeException e) {
            agent.close();
            throw e;
        }
    }

    /** The exit code: 0 after a clean stop (or a valid {@code --check}), 2 for bad configuration, 1 otherwise. */
    static int run(Path configFile, boolean checkOnly, CountDownLatch stop, PrintWriter out, PrintWriter err)
            throws InterruptedException {
        CollectorsConfig config;
        try {
            config = new ConfigLoader().load(configFile);
        } catch (ConfigException e) {
            err.println("collectors: " + e.getMessage());
            return 2;
        }
        if (checkOnly) {
            out.println(configFile + ": valid, " + config.targets().size() + " targets");
            return 0;
        }
        AgentRunner runner;
        try {
            runner = start(config);
        } catch (RuntimeException e) {
            LOG.error("the collector agent did not start: {}", e.getMessage(), e);
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            runner.close();
            stop.countDown();
        }, "collectors-shutdown"));
        stop.await();
        return 0;
    }

    public CollectorAgent agent() {
        return agent;
    }

    @Override
    public void close() {
        if (health != null) {
            health.close();
        }
        agent.close();
    }
}
