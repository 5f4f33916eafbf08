package com.helix.migrations.cli;

import com.helix.migrations.core.Action;
import com.helix.migrations.core.DatabaseMigrator;
import com.helix.migrations.core.MigrationOutcome;
import com.helix.migrations.core.MigrationRequest;
import com.helix.migrations.demo.DemoPlatform;
import com.helix.migrations.demo.EmbeddedDemoServer;
import com.helix.migrations.demo.FleetBuilder;
import com.helix.migrations.exceptions.InvalidConfigurationException;
import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.config.MigrationsConfig;
import com.helix.migrations.fleet.FleetOptions;
import com.helix.migrations.fleet.FleetRun;
import com.helix.migrations.fleet.FleetSummary;
import com.helix.migrations.registry.Tier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code demo}: a whole platform on a throwaway PostgreSQL, migrated central → tenants → products
 * exactly as a deploy would, then the status table. Everything is removed at the end.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run a deploy's migrations over a sample platform on an embedded PostgreSQL, then clean up.")
final class DemoCommand implements Callable<Integer> {
    @ParentCommand
    HelixCommand parent;

    @Option(names = "--tenants", paramLabel = "N", defaultValue = "24", description = "How many tenants, 3 to 500 (default: ${DEFAULT-VALUE}).")
    int tenants;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "5", description = "Databases migrated at once, 1 to 100 (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--with-failure", description = "Break one tenant database first, to show how a failure is reported.")
    boolean withFailure;

    @Override
    public Integer call() throws IOException {
        if (tenants < 3 || tenants > 500) {
            throw new InvalidRequestException("--tenants must be from 3 to 500, not " + tenants);
        }
        FleetOptions options = new FleetOptions(concurrency, null, Action.MIGRATE, null);
        Cli cli = parent.cli;
        Path work = Files.createTempDirectory("helix-demo-");
        try (EmbeddedDemoServer postgres = startServer()) {
            cli.out().println("Embedded PostgreSQL on 127.0.0.1:" + postgres.server().port() + "; secrets in " + work.resolve("secrets.json"));
            FleetBuilder fleet = new FleetBuilder(postgres.server(), "");
            fleet.createCentral();
            Path secrets = fleet.writeSecretsFile(work.resolve("secrets.json"));
            Map<String, String> env = Map.of(
                    "CENTRAL_DB_SECRET_ID", FleetBuilder.CENTRAL_SECRET_ID,
                    "JURISDICTION_REGIONS", "uk=eu-west-2,eu=eu-central-1",
                    "SECRETS_FILE", secrets.toString(),
                    "DB_SSL_MODE", "disable");
            Report report = new Report(cli.out(), false, Terminal.interactive(cli.env()), MigrationOutcome::line);
            new FleetRun(DatabaseMigrator.fromConfig(MigrationsConfig.fromEnvironment(env)))
                    .run(List.of(FleetRun.Scope.central()), options, report);

            List<DemoPlatform.DemoTenant> platform = DemoPlatform.tenants(tenants);
            DemoPlatform.build(fleet, platform);
            fleet.writeSecretsFile(secrets);
            // A fresh migrator: the secrets file now lists every database.
            DatabaseMigrator migrator = DatabaseMigrator.fromConfig(MigrationsConfig.fromEnvironment(env));
            if (withFailure) {
                DemoPlatform.DemoTenant broken = platform.get(1);
                // At version 1, with a table that V2 creates made by hand: V2 fails as on a hand-edited database.
                migrator.run(new MigrationRequest(Tier.TENANT, broken.id(), Action.MIGRATE, "1"));
                fleet.execute(fleet.tenantDatabase(broken.id()), "create table audit_events (id int)");
                cli.out().println("Broke tenant " + broken.name() + " (" + broken.id() + "): at version 1, with an audit_events table made by hand");
            }
            cli.out().println("Platform: " + platform.size() + " tenants in uk and eu (one suspended, one not provisioned)");
            cli.out().println();

            FleetRun run = new FleetRun(migrator);
            List<FleetRun.Scope> fleetScopes = List.of(FleetRun.Scope.all(Tier.TENANT), FleetRun.Scope.all(Tier.PRODUCT));
            run.run(fleetScopes, options, report);
            FleetSummary summary = report.finish();

            cli.out().println();
            StatusTable.print(cli.out(), run.run(fleetScopes, new FleetOptions(concurrency, null, Action.STATUS, null), outcome -> { }));
            return Report.exitCode(summary);
        } finally {
            deleteRecursively(work);
        }
    }

    private static EmbeddedDemoServer startServer() {
        String password = "demo-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
        try {
            return EmbeddedDemoServer.start("helix_app", password);
        } catch (NoClassDefFoundError e) {
            throw new InvalidConfigurationException("the demo needs the embedded PostgreSQL jars in functions/target/demo-lib: run ./demo");
        }
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
