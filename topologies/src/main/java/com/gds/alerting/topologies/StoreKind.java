package com.gds.alerting.topologies;

/** Where the topology keeps its state. */
public enum StoreKind {
    /** RocksDB on disk under {@code state.dir}, backed by changelog topics: production. */
    PERSISTENT,
    /**
     * On the heap, still backed by changelog topics: for {@code TopologyTestDriver} tests, whose
     * commit after every record makes RocksDB flush on each one.
     */
    IN_MEMORY
}
