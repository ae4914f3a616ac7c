package com.gds.alerting.rulescli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;

/** Placeholder. */
@Command(name = "backtest", mixinStandardHelpOptions = true)
final class BacktestCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 2;
    }
}
