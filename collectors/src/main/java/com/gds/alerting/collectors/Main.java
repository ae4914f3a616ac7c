package com.gds.alerting.collectors;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar collectors.jar --config collectors.yaml [--check]}. Exit 2 on a bad command
 * line or configuration (the message names the field and line), 1 if the agent cannot start.
 * {@code --check} validates the file and exits.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        // Before the first logger: the agent's own logging configuration, unless one is given.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "gds-collectors-logback.xml");
        }
        Path config = null;
        boolean check = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> {
                    if (i + 1 >= args.length) {
                        usage("--config needs a file");
                        return;
                    }
                    config = Path.of(args[++i]);
                }
                case "--check" -> check = true;
                case "--help", "-h" -> {
                    System.out.println(USAGE);
                    return;
                }
                default -> {
                    usage("unknown option " + args[i]);
                    return;
                }
            }
        }
        if (config == null) {
            usage("--config is required");
            return;
        }
        int code = AgentRunner.run(config, check, new CountDownLatch(1));
        if (code != 0) {
            System.exit(code);
        }
    }

    static final String USAGE = """
            Usage: java -jar collectors.jar --config collectors.yaml [--check]
              --config FILE   the agent's configuration (see the README, "collectors.yaml")
              --check         validate the configuration and exit (0 = valid)""";

    private static void usage(String problem) {
        System.err.println("collectors: " + problem + "\n" + USAGE);
        System.exit(2);
    }
}
