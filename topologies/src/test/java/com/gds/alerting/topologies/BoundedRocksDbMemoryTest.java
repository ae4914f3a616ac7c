package com.gds.alerting.topologies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class BoundedRocksDbMemoryTest {

    @Test
    void everyStoreOfTheProcessSharesOneBudget() {
        RocksDB.loadLibrary();
        BoundedRocksDbMemory setter = new BoundedRocksDbMemory();
        try (Options a = new Options(); Options b = new Options()) {
            a.setTableFormatConfig(new BlockBasedTableConfig());
            b.setTableFormatConfig(new BlockBasedTableConfig());
            setter.setConfig("alerts", a, Map.of());
            long bound = BoundedRocksDbMemory.boundBytes();
            // The first store of the process fixed the bound: the default here, unless an earlier test of this JVM
            // opened a store with another size first.
            assertTrue(bound >= 16L << 20, "a bound is set once a store opened: " + bound);
            setter.setConfig("slo", b, Map.of(BoundedRocksDbMemory.MEMORY_CONFIG, bound == 64L << 20 ? "128MiB" : "64MiB"));
            assertEquals(bound, BoundedRocksDbMemory.boundBytes(), "a later size asked for does not change the process' bound");
            assertNotNull(a.writeBufferManager(), "memtables are charged to the shared cache");
            assertSame(a.writeBufferManager(), b.writeBufferManager(), "one budget for all stores");
            BlockBasedTableConfig table = (BlockBasedTableConfig) a.tableFormatConfig();
            assertTrue(table.cacheIndexAndFilterBlocks(), "index and filter blocks count against the bound too");
        }
    }

    @Test
    void theTopologyAlwaysAsksForIt() {
        assertEquals(BoundedRocksDbMemory.class,
                AlertingTopology.requiredStreamsConfig().get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG));
    }

    @Test
    void aBadSizeIsRefusedNamingTheKey() {
        assertEquals(256L << 20, BoundedRocksDbMemory.memory(Map.of()));
        assertEquals(1L << 30, BoundedRocksDbMemory.memory(Map.of(BoundedRocksDbMemory.MEMORY_CONFIG, "1GiB")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BoundedRocksDbMemory.memory(Map.of(BoundedRocksDbMemory.MEMORY_CONFIG, "lots")));
        assertTrue(e.getMessage().startsWith("gds.rocksdb.memory must be a size") && e.getMessage().contains("'lots'"),
                e.getMessage());
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> BoundedRocksDbMemory.memory(Map.of(BoundedRocksDbMemory.MEMORY_CONFIG, "1MiB")));
        assertTrue(small.getMessage().contains("at least 16MiB"), small.getMessage());
    }
}
