package com.helix.migrations.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.helix.migrations.core.Action;
import com.helix.migrations.core.DatabaseMigrator;
import com.helix.migrations.core.MigrationOutcome;
import com.helix.migrations.fleet.FleetOptions;
import com.helix.migrations.fleet.FleetRunner;
import com.helix.migrations.fleet.FleetSummary;
import com.helix.migrations.json.Json;
import com.helix.migrations.registry.Target;
import com.helix.migrations.registry.TargetQuery;
import com.helix.migrations.registry.Tier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code status}: every database's version and pending count, and how many databases are at each version. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the fleet's schema versions and pending migrations; change nothing.")
final class StatusCommand implements Callable<Integer> {
    @ParentCommand
    HelixCommand parent;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--tier", paramLabel = "tenant|product", description = "Only this tier (default: tenant and product).")
    String tier;

    @Option(names = "--product", paramLabel = "TYPE", description = "Only this product type.")
    String productType;

    @Option(names = "--jurisdiction", paramLabel = "J", description = "Only databases of this jurisdiction.")
    String jurisdiction;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "5", description = "Databases checked at once, 1 to 100 (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--check", description = "Exit 1 when any database has pending migrations (or could not be checked).")
    boolean check;

    @Option(names = "--output", paramLabel = "text|json", defaultValue = "text", description = "text (default) or json.")
    FleetOptionsMixin.Output output;

    @Override
    public Integer call() {
        Cli cli = parent.cli;
        FleetOptions options = new FleetOptions(concurrency, null, Action.STATUS, null);
        List<Tier> tiers = tiers();
        DatabaseMigrator migrator = DatabaseMigrator.fromConfig(connection.config(cli.env()));
        if (productType != null) {
            migrator.sources().requireKnownProductType(productType);
        }
        List<Target> targets = new ArrayList<>();
        for (Tier t : tiers) {
            targets.addAll(migrator.registry().listAll(new TargetQuery(t, t == Tier.PRODUCT ? productType : null,
                    null, null, null, jurisdiction, 1000, null)));
        }
        List<MigrationOutcome> outcomes = new FleetRunner(migrator).run(targets, options, outcome -> { }).outcomes();
        FleetSummary.Builder summary = new FleetSummary.Builder(Integer.MAX_VALUE);
        outcomes.forEach(summary::add);
        FleetSummary result = summary.build();
        if (output == FleetOptionsMixin.Output.json) {
            ObjectNode document = Json.MAPPER.valueToTree(result);
            document.set("results", Json.MAPPER.valueToTree(outcomes));
            cli.out().println(document.toPrettyString());
        } else {
            print(cli.out(), outcomes);
        }
        boolean pending = result.pending() > 0;
        return check && (pending || result.anyFailed()) ? Main.FAILED : Main.OK;
    }

    private List<Tier> tiers() {
        if (tier == null) {
            return productType != null ? List.of(Tier.PRODUCT) : List.of(Tier.TENANT, Tier.PRODUCT);
        }
        Tier parsed = Tier.parse(tier);
        if (parsed == Tier.CENTRAL) {
            throw new com.helix.migrations.exceptions.InvalidRequestException("--tier must be tenant or product; use 'one' or 'central --dry-run' for central");
        }
        if (parsed == Tier.TENANT && productType != null) {
            throw new com.helix.migrations.exceptions.InvalidRequestException("--product goes with --tier product");
        }
        return List.of(parsed);
    }

    static void print(PrintStream out, List<MigrationOutcome> outcomes) {
        int width = Math.max(8, outcomes.stream().mapToInt(o -> String.valueOf(o.database()).length()).max().orElse(8));
        String format = "%-" + width + "s  %-7s  %-24s  %-7s  %s%n";
        out.printf(format, "DATABASE", "TIER", "ID", "VERSION", "PENDING");
        Map<String, Integer> histogram = new TreeMap<>();
        for (MigrationOutcome o : outcomes) {
            String version = o.succeeded() ? (o.toVersion() == null ? "empty" : o.toVersion()) : "?";
            String pending = o.succeeded() ? String.valueOf(o.pending().size()) : "error: " + o.error();
            out.printf(format, o.database(), o.tier().wire(), o.id(), version, pending);
            String group = o.tier().wire() + (o.productType() == null ? "" : " " + o.productType());
            histogram.merge(group + " @ " + version, 1, Integer::sum);
        }
        out.println();
        out.println("Databases per version:");
        int most = histogram.values().stream().mapToInt(Integer::intValue).max().orElse(1);
        histogram.forEach((key, count) -> out.printf("  %-24s %5d  %s%n", key, count,
                "█".repeat(Math.max(1, count * 40 / most))));
        out.println();
        long failed = outcomes.stream().filter(o -> !o.succeeded()).count();
        long pending = outcomes.stream().filter(o -> o.succeeded() && !o.pending().isEmpty()).count();
        out.println(outcomes.size() + " databases: " + (outcomes.size() - failed - pending) + " up to date, "
                + pending + " with pending migrations, " + failed + " could not be checked");
    }
}
