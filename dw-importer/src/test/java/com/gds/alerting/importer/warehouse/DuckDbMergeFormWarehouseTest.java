package com.gds.alerting.importer.warehouse;

/**
 * The warehouse contract on DuckDB with facts loaded by {@code MERGE ... WHEN NOT MATCHED}, the
 * statement shape the Snowflake dialect generates: the closest this machine gets to running it.
 */
class DuckDbMergeFormWarehouseTest extends DuckDbWarehouseTest {

    @Override
    SqlDialect dialect() {
        return new DuckDbDialect(SqlDialect.FactLoad.MERGE);
    }
}
