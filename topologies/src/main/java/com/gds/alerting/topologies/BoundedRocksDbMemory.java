package com.gds.alerting.topologies;

import java.util.Map;

import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.gds.alerting.config.ByteSizes;

/**
 * Bounds RocksDB's off-heap memory for the whole process, as Kafka Streams' memory-management
 * guide describes: every store instance shares one LRU block cache, and the memtables are charged
 * to it through one {@link WriteBufferManager}, with index and filter blocks cached there too.
 * Without it each store instance has its own 50 MiB cache and up to three 16 MiB memtables, so the
 * service's memory grows with stores × partitions (7 stores on 12 partitions could ask for 5 GiB).
 *
 * <p>The size is {@value #MEMORY_CONFIG} in the Streams configuration (default
 * {@value #DEFAULT_MEMORY}), a quarter of it for memtables. The cache is made by the first store
 * opened in the process and shared by every later one, of every {@code KafkaStreams} in it: a
 * second size asked for later is ignored with a WARN line naming both.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {

    private static final Logger LOG = LoggerFactory.getLogger(BoundedRocksDbMemory.class);

    /** The Streams configuration key for the process' RocksDB memory, a size such as {@code 256MiB}. */
    public static final String MEMORY_CONFIG = "gds.rocksdb.memory";
    public static final String DEFAULT_MEMORY = "256MiB";
    /** Of the memory, the share memtables may use before they are flushed. */
    static final double MEMTABLE_SHARE = 0.25;
    /** Index and filter blocks are kept in the cache's high-priority pool, at most this share of it. */
    private static final double INDEX_FILTER_SHARE = 0.1;
    private static final long BLOCK_SIZE = 8 * 1024;

    private static Cache cache;
    private static WriteBufferManager writeBuffers;
    private static long size;

    /** The bytes asked for in {@code configs}, or the default; refused with the key's name when unreadable. */
    public static long memory(Map<String, Object> configs) {
        Object v = configs.get(MEMORY_CONFIG);
        String text = v == null ? DEFAULT_MEMORY : v.toString();
        try {
            long bytes = ByteSizes.parse(text);
            if (bytes < (16L << 20)) {
                throw new IllegalArgumentException("must be at least 16MiB, got '" + text + "'");
            }
            return bytes;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(MEMORY_CONFIG + " " + e.getMessage(), e);
        }
    }

    private static synchronized void share(BlockBasedTableConfig table, Options options, long asked) {
        if (cache == null) {
            size = asked;
            cache = new LRUCache(asked, -1, false, INDEX_FILTER_SHARE);
            writeBuffers = new WriteBufferManager((long) (asked * MEMTABLE_SHARE), cache);
            LOG.info("RocksDB memory bounded to {} for the process (block cache, index and filter blocks, memtables)",
                    ByteSizes.format(asked));
        } else if (asked != size) {
            LOG.warn("{} asks for {} but this process' RocksDB memory is already bounded to {}: the first size applies",
                    MEMORY_CONFIG, ByteSizes.format(asked), ByteSizes.format(size));
        }
        table.setBlockCache(cache);
        options.setWriteBufferManager(writeBuffers);
    }

    /** The process' bound once a store opened, 0 before. */
    static synchronized long boundBytes() {
        return cache == null ? 0 : size;
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        share(table, options, memory(configs));
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        table.setBlockSize(BLOCK_SIZE);
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and the write-buffer manager are shared by every store of the process: never closed here.
    }
}
