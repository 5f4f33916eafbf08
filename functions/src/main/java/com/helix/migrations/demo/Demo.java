package com.helix.migrations.demo;

import com.helix.migrations.cli.Main;
import com.helix.migrations.fleet.FleetOptions;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The demo, its own artifact ({@code helix-migrations-demo.jar}, which carries the embedded
 * PostgreSQL; the Lambda jar carries neither): a whole platform on a throwaway PostgreSQL, migrated by
 * the real CLI exactly as a deploy would (central, then tenants, then products), then the status
 * table. Each command is shown as a user would type it. Everything is removed at the end.
 */
@Command(
        name = "helix-migrations-demo",
        mixinStandardHelpOptions = true,
        description =
                "Run a deploy's migrations with the CLI over a sample platform on an embedded PostgreSQL, then clean up.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every database migrated", "1:a database failed (as --with-failure shows)", "2:bad usage"})
public final class Demo implements Callable<Integer> {
    private final PrintStream out;
    private final PrintStream err;

    @Option(
            names = "--tenants",
            paramLabel = "N",
            defaultValue = "24",
            description = "How many tenants, 3 to 500 (default: ${DEFAULT-VALUE}).")
    int tenants;

    @Option(
            names = "--concurrency",
            paramLabel = "N",
            defaultValue = "" + FleetOptions.DEFAULT_CONCURRENCY,
            description = "Databases migrated at once, 1 to " + FleetOptions.MAX_CONCURRENCY
                    + " (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(
            names = "--with-failure",
            description = "Break one tenant database first, to show how a failure is reported.")
    boolean withFailure;

    Demo(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        Main.useCliLogging();
        System.exit(run(
                args,
                new PrintStream(System.out, true, StandardCharsets.UTF_8),
                new PrintStream(System.err, true, StandardCharsets.UTF_8)));
    }

    /** Runs the demo with these arguments; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return new CommandLine(new Demo(out, err))
                .setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true))
                .setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true))
                .execute(args);
    }

    @Override
    public Integer call() throws IOException {
        if (tenants < 3 || tenants > 500) {
            err.println("error: --tenants must be from 3 to 500, not " + tenants);
            return Main.USAGE;
        }
        Path work = Files.createTempDirectory("helix-demo-");
        String password = "demo-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
        try (EmbeddedDemoServer postgres = EmbeddedDemoServer.start("helix_app", password)) {
            out.println("Embedded PostgreSQL on 127.0.0.1:" + postgres.server().port() + "; secrets in "
                    + work.resolve("secrets.json"));
            FleetBuilder fleet = new FleetBuilder(postgres.server(), "");
            fleet.createCentral();
            Path secrets = fleet.writeSecretsFile(work.resolve("secrets.json"));
            Map<String, String> env = Map.of(
                    "CENTRAL_DB_SECRET_ID",
                    FleetBuilder.CENTRAL_SECRET_ID,
                    "JURISDICTION_REGIONS",
                    "uk=eu-west-2,eu=eu-central-1",
                    "SECRETS_FILE",
                    secrets.toString(),
                    "DB_SSL_MODE",
                    "disable");
            int exit = cli(env, "central");

            List<DemoPlatform.DemoTenant> platform = DemoPlatform.tenants(tenants);
            DemoPlatform.build(fleet, platform);
            fleet.writeSecretsFile(secrets);
            out.println("Platform: " + platform.size() + " tenants in uk and eu (one suspended, one not provisioned)");
            if (withFailure) {
                DemoPlatform.DemoTenant broken = platform.get(1);
                // At version 1, with a table that V2 creates made by hand: V2 fails as on a hand-edited database.
                cli(env, "one", "--tenant", broken.id(), "--target", "1");
                fleet.execute(fleet.tenantDatabase(broken.id()), "create table audit_events (id int)");
                out.println("Broke tenant " + broken.name() + " (" + broken.id()
                        + "): at version 1, with an audit_events table made by hand");
            }
            String concurrencyFlag = String.valueOf(concurrency);
            exit = Math.max(exit, cli(env, "tenants", "--concurrency", concurrencyFlag));
            exit = Math.max(exit, cli(env, "products", "--concurrency", concurrencyFlag));
            cli(env, "status", "--concurrency", concurrencyFlag);
            cli(env, "runs");
            return exit;
        } finally {
            deleteRecursively(work);
        }
    }

    /** One command of the real CLI, shown as typed. */
    private int cli(Map<String, String> env, String... args) {
        out.println();
        out.println("$ helix-migrations " + String.join(" ", args));
        return Main.run(args, env, out, err);
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
