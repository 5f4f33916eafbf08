package com.helix.migrations.registry;

import com.helix.migrations.config.DatabaseSettings;
import com.helix.migrations.credentials.Credentials;
import com.helix.migrations.credentials.DatabaseCredentials;
import com.helix.migrations.db.DataSources;
import com.helix.migrations.exceptions.InvalidSecretException;
import com.helix.migrations.target.DatabaseLocation;
import com.helix.migrations.target.Target;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The central database, found through its secret (in the home region), which must say where it is. The
 * secret is read and the first connection made on first use, never when this is built (a SnapStart
 * snapshot holds neither). The registry reads it; the run ledger writes it.
 */
public final class CentralDatabase {
    private final Credentials credentials;
    private final String secretId;
    private final DatabaseSettings settings;
    private volatile Opened opened;

    /** @param secretId the secret locating the central database ({@code CENTRAL_DB_SECRET_ID}) */
    public CentralDatabase(Credentials credentials, String secretId, DatabaseSettings settings) {
        this.credentials = credentials;
        this.secretId = secretId;
        this.settings = settings;
    }

    /** The central database as a migration target. */
    public Target target() {
        return opened().target();
    }

    public Connection connection() throws SQLException {
        return opened().dataSource().getConnection();
    }

    /** Loads the driver and the secret store's clients (SnapStart priming); reads no secret, connects nowhere. */
    public void prime() {
        credentials.prime();
        DataSources.prime();
    }

    private Opened opened() {
        Opened current = opened;
        if (current == null) {
            synchronized (this) {
                current = opened;
                if (current == null) {
                    current = open();
                    opened = current;
                }
            }
        }
        return current;
    }

    private Opened open() {
        DatabaseCredentials secret = credentials.home(secretId);
        if (secret.host() == null) {
            throw new InvalidSecretException(secretId, "no host");
        }
        if (secret.dbname() == null) {
            throw new InvalidSecretException(secretId, "no dbname");
        }
        DatabaseLocation location = new DatabaseLocation(
                secret.host(), secret.port() == null ? 5432 : secret.port(), secret.dbname(), secretId);
        if (location.problem() != null) {
            throw new InvalidSecretException(secretId, location.problem());
        }
        return new Opened(Target.central(location), DataSources.postgres(location, secret, settings));
    }

    private record Opened(Target target, DataSource dataSource) {}
}
