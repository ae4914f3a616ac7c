package com.gds.alerting.importer.warehouse;

import java.sql.Connection;
import java.sql.SQLException;

/** Opens a new connection to the warehouse. */
@FunctionalInterface
public interface ConnectionFactory {

    /** A new open connection. */
    Connection open() throws SQLException;
}
