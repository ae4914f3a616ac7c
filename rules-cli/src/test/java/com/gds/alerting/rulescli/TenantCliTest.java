package com.gds.alerting.rulescli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The settings layers in {@code gds-rules}: {@code validate} per layer with file and line (README, "Tenants
 * and the three layers"), the writer's bounds with {@code --as}, and {@code tenant init} / {@code diff}.
 */
class TenantCliTest {

    private static final String PACK = """
            rules:
              - id: db-down
                metric: up
                severities: {critical: '< 1'}
              - id: conn
                metric: connections_used_ratio
                severities:
                  warning: '> 0.8'
                  critical: '> 0.95'
            """;
    private static final String PLATFORM = """
            layer: platform
            rules:
              db-down:
                fixed: true
              conn:
                severities: {warning: '> 0.85', critical: '> 0.95'}
            """;

    @TempDir
    Path dir;

    private Path pack() {
        return CliRun.write(dir, "packs/pack.yaml", PACK);
    }

    private Path platform() {
        return CliRun.write(dir, "platform.yaml", PLATFORM);
    }

    /** One case per refusal: the tenant file's body after "layer: tenant\ntenant: acme\n" (lines 1-2), and the expected line. */
    static Stream<Arguments> tenantFileErrors() {
        return Stream.of(
                Arguments.of("a tenant cannot loosen a fixed rule", """
                        rules:
                          db-down: disabled
                        """, "acme.yaml:4:3: error: tenant 'acme' cannot change rule 'db-down': the platform marks it fixed"),
                Arguments.of("fixed is the platform's", """
                        rules:
                          conn:
                            fixed: true
                        """, "acme.yaml:5:12: error: the settings of tenant 'acme': rules[0].fixed: only the platform marks a rule fixed"),
                Arguments.of("thresholds in order, as a rule's", """
                        rules:
                          conn:
                            severities: {warning: '> 0.9', critical: '> 0.5'}
                        """, "acme.yaml:5:5: error: the settings of tenant 'acme': rules[0].severities: CRITICAL threshold 0.5 would"
                                + " trigger before WARNING threshold 0.9"),
                Arguments.of("a dimension's regex must compile", """
                        rules:
                          conn:
                            dimensions:
                              - match: ['tablespace =~ "users_(.*"']
                                severities: {warning: '> 0.97'}
                        """, "acme.yaml:6:17: error: the settings of tenant 'acme': rules[0].dimensions[0].match[0].value: bad regular"
                                + " expression"),
                Arguments.of("an unknown setting", """
                        rules:
                          conn: off
                        """, "acme.yaml:4:9: error: unknown setting 'off'; one of default, disabled, or a mapping with 'severities:'"),
                Arguments.of("maintenance ends after it starts", """
                        maintenance:
                          - {from: "2026-12-25T02:00:00Z", to: "2026-12-24T20:00:00Z"}
                        """, "acme.yaml:4:5: error: the settings of tenant 'acme': maintenance[0]: ends_at 2026-12-24T20:00:00Z is not"
                                + " after starts_at"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tenantFileErrors")
    void validateRefusesATenantFileWithTheFileAndLine(String why, String body, String expected) {
        Path acme = CliRun.write(dir, "acme.yaml", "layer: tenant\ntenant: acme\n" + body);
        CliRun run = CliRun.of("validate", pack().toString(), platform().toString(), acme.toString());
        assertEquals(1, run.exit(), why + "\n" + run);
        String shown = run.out().replace(dir.toString() + "/", "");
        assertTrue(shown.contains(expected), why + ": expected\n" + expected + "\nin\n" + shown);
    }

    @Test
    void theRepositorysExampleLayersValidate() {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<String> args = new java.util.ArrayList<>(List.of("validate", "--strict"));
        try (Stream<Path> packs = Files.list(root.resolve("rules/packs")); Stream<Path> tenants = Files.list(root.resolve("rules/tenants"))) {
            packs.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(p -> args.add(p.toString()));
            tenants.sorted().forEach(p -> args.add(p.toString()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exit(), run.toString());
    }

    @Test
    void asATenantOnlyItsOwnSettingsPass() {
        Path acme = CliRun.write(dir, "acme.yaml", "layer: tenant\ntenant: acme\nrules:\n  conn: {severities: {warning: '> 0.9'}}\n");
        Path beta = CliRun.write(dir, "beta.yaml", "layer: tenant\ntenant: beta\nrules:\n  conn: disabled\n");
        CliRun own = CliRun.of("validate", "--as", "tenant:acme", acme.toString());
        assertEquals(0, own.exit(), own.toString());
        CliRun all = CliRun.of("validate", "--as", "tenant:acme", pack().toString(), platform().toString(), acme.toString(),
                beta.toString());
        assertEquals(1, all.exit(), all.toString());
        String shown = all.out().replace(dir.toString() + "/", "");
        assertTrue(shown.contains("packs/pack.yaml:1:1: error: tenant 'acme' cannot publish pack rules"), shown);
        assertTrue(shown.contains("platform.yaml:1:8: error: tenant 'acme' cannot change the platform defaults"), shown);
        assertTrue(shown.contains("beta.yaml:2:9: error: tenant 'acme' cannot change the settings of tenant 'beta'"), shown);
        CliRun expert = CliRun.of("validate", "--as", "expert", pack().toString(), acme.toString());
        assertTrue(expert.out().contains("error: an expert publishes rule packs, not the settings of tenant 'acme'"), expert.toString());
        CliRun bad = CliRun.of("validate", "--as", "tenant:ACME", acme.toString());
        assertEquals(2, bad.exit(), bad.toString());
    }

    @Test
    void initScaffoldsAFileThatValidatesAndDiffShowsWhatItChanges() throws Exception {
        Path packs = pack().getParent();
        CliRun dry = CliRun.of("tenant", "init", "--tenant", "gamma", "--packs", packs.toString(), "--set", "conn=warning > 0.9, critical > 0.99",
                "--set", "db-down=default", "--dry-run");
        assertEquals(0, dry.exit(), dry.toString());
        assertTrue(dry.out().contains("# Dry run: nothing written"), dry.out());
        Path out = dir.resolve("gamma.yaml");
        assertTrue(!Files.exists(out));
        CliRun init = CliRun.of("tenant", "init", "--tenant", "gamma", "--packs", packs.toString(), "--set", "conn=warning > 0.9, critical > 0.99",
                "--out", out.toString());
        assertEquals(0, init.exit(), init.toString());
        assertTrue(Files.readString(out).contains("#  db-down: default   # critical < 1"), Files.readString(out));
        CliRun again = CliRun.of("tenant", "init", "--tenant", "gamma", "--packs", packs.toString(), "--out", out.toString());
        assertEquals(1, again.exit(), "an existing file is not overwritten without --force");
        CliRun valid = CliRun.of("validate", "--strict", "--as", "tenant:gamma", out.toString());
        assertEquals(0, valid.exit(), valid.toString());
        CliRun diff = CliRun.of("tenant", "diff", out.toString(), "--packs", packs.toString(), "--platform", platform().toString());
        assertEquals(0, diff.exit(), diff.toString());
        assertTrue(diff.out().contains("conn: warning > 0.85, critical > 0.95 (platform) -> warning > 0.9, critical > 0.99"), diff.out());
        CliRun typo = CliRun.of("tenant", "init", "--tenant", "gamma", "--packs", packs.toString(), "--set", "con=disabled", "--dry-run");
        assertEquals(1, typo.exit());
        assertTrue(typo.out().contains("no rule 'con' in the packs; did you mean 'conn'?"), typo.out());
    }

    @Test
    void publishDryRunNamesTheRecordsAndPublishesNothing() {
        Path acme = CliRun.write(dir, "acme.yaml", "layer: tenant\ntenant: acme\nrules:\n  conn: disabled\n");
        CliRun run = CliRun.of("tenant", "publish", acme.toString(), "--as", "tenant:acme", "--bootstrap", "unused:1", "--dry-run");
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().contains("would publish tenant:acme (1 rule settings, 0 maintenance windows) to gds.rule-settings"), run.out());
        CliRun refused = CliRun.of("tenant", "publish", acme.toString(), "--as", "tenant:beta", "--bootstrap", "unused:1", "--dry-run");
        assertEquals(1, refused.exit(), refused.toString());
        assertTrue(refused.out().contains("Nothing published"), refused.out());
    }
}
