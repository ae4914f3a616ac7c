package com.gds.alerting.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * {@code bin/local-stack --help} prints {@code local-stack/usage.txt} without building or starting a
 * JVM; this keeps that file the exact text the code's {@code --help} prints.
 */
class LocalStackUsageTest {

    @Test
    void theCommittedUsageFileIsWhatHelpPrints() throws Exception {
        String committed = Files.readString(Path.of("usage.txt"), StandardCharsets.UTF_8);
        assertEquals(LocalStackCommand.usage(), committed,
                "local-stack/usage.txt is stale: replace it with the text --help prints (the 'expected' above)");
    }
}
