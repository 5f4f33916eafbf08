package com.helix.migrations.core;

import com.helix.migrations.config.MigrationsConfig;
import com.helix.migrations.credentials.Credentials;
import com.helix.migrations.credentials.FileSecretStore;
import com.helix.migrations.credentials.SecretStore;
import com.helix.migrations.credentials.SecretsManagerStore;
import com.helix.migrations.db.OpenConnections;
import com.helix.migrations.ledger.RunLedger;
import com.helix.migrations.registry.CentralDatabase;
import com.helix.migrations.registry.CentralRegistry;
import com.helix.migrations.schema.MigrationSources;

/**
 * What a Lambda container or a CLI run works with, built once from its configuration: the central
 * registry and the run ledger in it, the migration sets and the migrator, sharing one source of
 * credentials, and the connections the migrator has open (which a stopped run cancels). Opens no connection and reads no
 * secret until first used. Handlers and commands take the parts they use.
 */
public record Platform(
        CentralRegistry registry,
        RunLedger ledger,
        MigrationSources sources,
        DatabaseMigrator migrator,
        OpenConnections connections) {

    public static Platform fromConfig(MigrationsConfig config) {
        SecretStore store =
                config.secretsFile() != null ? new FileSecretStore(config.secretsFile()) : new SecretsManagerStore();
        Credentials credentials = new Credentials(store, config.jurisdictionRegions(), config.homeRegion());
        CentralDatabase central = new CentralDatabase(credentials, config.centralSecretId(), config.database());
        CentralRegistry registry = new CentralRegistry(central);
        MigrationSources sources = new MigrationSources(config.migrationsDir(), config.flywayEnvironment());
        OpenConnections connections = new OpenConnections();
        return new Platform(
                registry,
                new RunLedger(central, registry, config.runStaleAfter()),
                sources,
                new DatabaseMigrator(credentials, sources, config.database(), connections, registry),
                connections);
    }
}
