package com.gds.alerting.service.console;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium driven by its ChromeDriver (both installed by {@code scripts/ensure-chromium.sh},
 * which the build runs before the tests). Missing browser = a failed test with what to do, never a
 * skipped one. Paths can be moved with {@code GDS_CHROMIUM} / {@code GDS_CHROMEDRIVER}.
 */
final class HeadlessChromium {

    private HeadlessChromium() {
    }

    static ChromeDriver start(Path profile) throws IOException {
        Path chromium = Path.of(setting("GDS_CHROMIUM", "/usr/bin/chromium"));
        Path chromedriver = Path.of(setting("GDS_CHROMEDRIVER", "/usr/bin/chromedriver"));
        if (!Files.isExecutable(chromium) || !Files.isExecutable(chromedriver)) {
            fail("The console's end-to-end tests need Chromium (" + chromium + ") and ChromeDriver (" + chromedriver
                    + "); at least one is missing. The build installs them with scripts/ensure-chromium.sh (as root: "
                    + "apt-get install chromium chromium-driver); run it, or set GDS_CHROMIUM and GDS_CHROMEDRIVER.");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        // The flags this machine kind needs: no sandbox as root, and no background calls to Google's hosts
        // (the network is closed; each refused call costs time and log lines).
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1000", "--user-data-dir=" + Files.createDirectories(profile));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort()
                .withTimeout(Duration.ofSeconds(60))
                .build();
        return new ChromeDriver(service, options);
    }

    private static String setting(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
