/**
 * The warehouse importer: a plain Kafka consumer (no Streams, the build enforces it) that
 * batch-loads metrics and alert history into Snowflake, PostgreSQL or DuckDB. It lands with the
 * "dw-importer" issue.
 */
package com.gds.alerting.importer;
