package com.gds.alerting.rulescli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;

/** Placeholder. */
@Command(name = "publish", mixinStandardHelpOptions = true)
final class PublishCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 2;
    }
}
