package com.gds.alerting.rulescli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;

/** Placeholder. */
@Command(name = "test", mixinStandardHelpOptions = true)
final class TestCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 2;
    }
}
