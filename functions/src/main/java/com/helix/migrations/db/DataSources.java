package com.helix.migrations.db;

import com.helix.migrations.config.DatabaseSettings;
import com.helix.migrations.credentials.DatabaseCredentials;
import com.helix.migrations.target.DatabaseLocation;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Builds connections to one database with the session settings every migration relies on. The
 * password goes into the data source, never into a URL that could be logged; no error message the
 * driver builds carries a row value.
 */
public final class DataSources {
    public static final String APPLICATION_NAME = "helix-migrations";

    private DataSources() {}

    /** Loads the driver's classes (SnapStart priming); connects nowhere. */
    public static void prime() {
        new PGSimpleDataSource().setOptions("-c lock_timeout=0");
        org.postgresql.Driver.isRegistered();
    }

    /** Connections that may write. */
    public static DataSource postgres(
            DatabaseLocation location, DatabaseCredentials credentials, DatabaseSettings settings) {
        return postgres(location, credentials, settings, false);
    }

    /**
     * Connections that may write, or, for the actions that promise to change nothing, may not.
     *
     * @param readOnly every transaction read-only ({@code default_transaction_read_only}): for actions that
     *                 promise to change nothing, so that the server enforces it, callbacks included
     */
    public static DataSource postgres(
            DatabaseLocation location, DatabaseCredentials credentials, DatabaseSettings settings, boolean readOnly) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        // Typed properties only: the host and port are a plain name or address and a number
        // (DatabaseLocation.problem), so nothing from a registry row can add a parameter.
        ds.setServerNames(new String[] {location.driverHost()});
        ds.setPortNumbers(new int[] {location.port()});
        ds.setDatabaseName(location.databaseName());
        ds.setUser(credentials.username());
        ds.setPassword(credentials.password());
        ds.setApplicationName(APPLICATION_NAME);
        ds.setConnectTimeout(Math.toIntExact(settings.connectTimeout().toSeconds()));
        ds.setLoginTimeout(Math.toIntExact(settings.connectTimeout().toSeconds()));
        ds.setTcpKeepAlive(true);
        // PostgreSQL's DETAIL carries row values (Key (email)=(…) already exists): it stays in the database's
        // jurisdiction.
        ds.setLogServerErrorDetail(false);
        ds.setSslMode(settings.sslMode());
        if (settings.sslMode().startsWith("verify-")) {
            ds.setSslRootCert(
                    (settings.sslRootCert() != null ? settings.sslRootCert() : RdsCaBundle.file()).toString());
        }
        ds.setOptions("-c lock_timeout=" + settings.lockTimeout().toMillis()
                + " -c statement_timeout=" + settings.statementTimeout().toMillis()
                + (readOnly ? " -c default_transaction_read_only=on" : ""));
        return ds;
    }
}
