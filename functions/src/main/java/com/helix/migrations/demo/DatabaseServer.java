package com.helix.migrations.demo;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * A PostgreSQL server the demo (and the tests) may create databases on.
 *
 * @param adminUser   a role that may create databases (and roles)
 * @param appUser     the role migrations run as; owns the databases it migrates
 */
public record DatabaseServer(
        String host, int port, String adminUser, String adminPassword, String appUser, String appPassword) {

    /** A connection as the admin role; the password travels as a property, never in the URL. */
    public Connection admin(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", adminUser);
        if (adminPassword != null) {
            properties.setProperty("password", adminPassword);
        }
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + database, properties);
    }

    @Override
    public String toString() {
        return "DatabaseServer[" + host + ":" + port + ", admin=" + adminUser + ", app=" + appUser + "]";
    }
}
