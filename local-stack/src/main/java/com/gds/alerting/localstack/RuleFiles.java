package com.gds.alerting.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.gds.alerting.avro.Rule;
import com.gds.alerting.rulescli.rules.RuleChecker;
import com.gds.alerting.rulescli.yaml.Diagnostic;

/**
 * The rules the local stack publishes at start, read and checked exactly as {@code gds-rules
 * publish} reads them, so the stack holds the same rule ids the packs would: publishing the packs
 * again with {@code gds-rules} changes nothing instead of doubling every alert.
 */
final class RuleFiles {

    private static final Logger LOG = LoggerFactory.getLogger(RuleFiles.class);

    private RuleFiles() {
    }

    /**
     * The rules of {@code paths}: files, or directories whose {@code *.yaml} files (not their
     * subdirectories: the packs' tests live in {@code tests/}) are read in name order.
     *
     * @throws LocalStack.InvalidInputException naming every problem, when a path is missing or a rule invalid
     */
    static List<Rule> load(List<Path> paths) {
        List<Path> files = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> listed = Files.list(path)) {
                    files.addAll(listed.filter(p -> p.getFileName().toString().endsWith(".yaml") && Files.isRegularFile(p))
                            .sorted().toList());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot list the rule directory " + path, e);
                }
            } else if (Files.isRegularFile(path)) {
                files.add(path);
            } else {
                throw new LocalStack.InvalidInputException("--rules " + path + ": no such file or directory (from "
                        + Path.of("").toAbsolutePath() + ")", null);
            }
        }
        if (files.isEmpty()) {
            throw new LocalStack.InvalidInputException("--rules " + paths + " holds no *.yaml rule file", null);
        }
        RuleChecker.Result checked = RuleChecker.check(files);
        if (checked.diagnostics().hasErrors()) {
            throw new LocalStack.InvalidInputException("invalid rules, nothing started (check them with bin/gds-rules validate):\n"
                    + checked.diagnostics().sorted().stream().map(Diagnostic::toString).collect(Collectors.joining("\n")), null);
        }
        checked.diagnostics().sorted().forEach(d -> LOG.warn("{}", d));
        LOG.info("{} rules from {} file(s): {}", checked.records().size(), files.size(), files);
        return checked.records();
    }
}
