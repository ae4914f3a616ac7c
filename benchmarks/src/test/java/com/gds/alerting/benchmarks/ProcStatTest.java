package com.gds.alerting.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import org.junit.jupiter.api.Test;

class ProcStatTest {

    @Test
    void cpuIsUtimePlusStimeCountedFromTheLastParenthesis() {
        // A command name may hold spaces and parentheses: counting fields from the start would read the wrong ones.
        String stat = "4242 (java (side) by) S 1 2 3 4 5 6 7 8 9 10 250 50 7 7 20 0 40 0 12345 1000 200";
        assertEquals(3.0, ProcStat.cpuSecondsOf(stat), 1e-9);
    }

    @Test
    void readsThisProcessFromProc() throws IOException {
        long pid = ProcessHandle.current().pid();
        assertTrue(ProcStat.rssBytes(pid) > 1 << 20, "a JVM holds more than 1 MiB");
        assertTrue(ProcStat.cpuSeconds(pid) > 0, "a JVM that ran a test used CPU");
    }

    @Test
    void aProcessThatIsGoneThrowsInsteadOfReadingAsZero() {
        assertThrows(IOException.class, () -> ProcStat.rssBytes(Integer.MAX_VALUE));
        assertThrows(IOException.class, () -> ProcStat.cpuSeconds(Integer.MAX_VALUE));
    }
}
