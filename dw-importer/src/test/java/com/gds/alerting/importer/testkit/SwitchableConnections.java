package com.gds.alerting.importer.testkit;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import com.gds.alerting.importer.warehouse.ConnectionFactory;

/**
 * Connections to a real embedded database (DuckDB, which has no server to stop) that can be
 * "unplugged": while down, opening a connection and every call on an open one fails the way a
 * lost network connection does. The database itself is untouched.
 */
public final class SwitchableConnections implements ConnectionFactory {

    private final ConnectionFactory real;
    private volatile boolean down;

    public SwitchableConnections(ConnectionFactory real) {
        this.real = real;
    }

    public void down() {
        down = true;
    }

    public void up() {
        down = false;
    }

    @Override
    public Connection open() throws SQLException {
        failIfDown();
        Connection connection = real.open();
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("close") && !method.getName().equals("isClosed")) {
                        failIfDown();
                    }
                    try {
                        return method.invoke(connection, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private void failIfDown() throws SQLException {
        if (down) {
            throw new SQLTransientConnectionException("connection lost (test: warehouse unplugged)", "08006");
        }
    }
}
