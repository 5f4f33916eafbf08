package com.helix.migrations.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.helix.migrations.config.MigrationsConfig;
import com.helix.migrations.json.Json;
import com.helix.migrations.schema.FlywaySettings;
import com.helix.migrations.schema.MigrationSet;
import com.helix.migrations.schema.MigrationSources;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/**
 * {@code config}: each tier's effective Flyway settings and where each came from, the migration sets
 * checked on the way. Reaches no database and reads no secret; secret values are never shown.
 */
@Command(
        name = "config",
        mixinStandardHelpOptions = true,
        description = "Check every tier's migrations and show its effective Flyway settings, and where each came from.")
final class ConfigCommand implements Callable<Integer> {
    @ParentCommand
    HelixCommand parent;

    @Mixin
    MigrationsOption migrations;

    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        Cli cli = parent.cli;
        Map<String, String> env = new HashMap<>(cli.env());
        migrations.putInto(env);
        List<MigrationSet> sets = new MigrationSources(
                        MigrationsConfig.migrationsDir(env), MigrationsConfig.flywayEnvironment(env))
                .all();
        if (output.json()) {
            ArrayNode document = Json.MAPPER.createArrayNode();
            for (MigrationSet set : sets) {
                ObjectNode tier = document.addObject()
                        .put("folder", set.folder())
                        .put(
                                "latest",
                                set.latest() == null ? null : set.latest().getVersion());
                ObjectNode settings = tier.putObject("settings");
                set.effectiveSettings()
                        .forEach(s -> settings.putObject(s.name())
                                .put("value", s.shown())
                                .put("source", s.source()));
                tier.set("refused", Json.MAPPER.valueToTree(set.refusals()));
            }
            cli.out().println(document.toPrettyString());
            return Main.OK;
        }
        for (MigrationSet set : sets) {
            cli.out()
                    .println(set.folder() + " (" + set.scripts().size() + " migrations, latest "
                            + (set.latest() == null ? "none" : set.latest().getVersion()) + ")");
            int width = set.effectiveSettings().stream()
                            .mapToInt(s -> s.name().length() + s.shown().length())
                            .max()
                            .orElse(20)
                    + 3;
            for (FlywaySettings.Setting setting : set.effectiveSettings()) {
                String assignment = setting.name() + " = " + setting.shown();
                cli.out().printf("  %-" + width + "s %s%n", assignment, setting.source());
            }
            set.refusals()
                    .forEach(refusal -> cli.out().println("  ✗ " + refusal + " (refused wherever it is pending)"));
            cli.out().println();
        }
        return Main.OK;
    }
}
