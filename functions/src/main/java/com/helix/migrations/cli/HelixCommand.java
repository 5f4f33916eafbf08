package com.helix.migrations.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
        name = "helix-migrations",
        mixinStandardHelpOptions = true,
        version = "helix-migrations 1.0",
        description = "Keeps the central, tenant and product databases on the latest schema.",
        subcommands = {
            TierCommand.Central.class,
            TierCommand.Tenants.class,
            TierCommand.Products.class,
            OneCommand.class,
            StatusCommand.class,
            RepairCommand.class,
            BaselineCommand.class,
            ConfigCommand.class,
            StartCommand.class,
            RunCommands.Runs.class,
            RunCommands.Show.class,
            RunCommands.Resume.class,
            RunCommands.StopRun.class,
            RunCommands.Purge.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:all good",
            "1:a database failed, was blocked or was refused a baseline, status --check found pending migrations, or something needed was unreachable (try again)",
            "2:bad usage or configuration",
            "130:stopped by SIGINT (Ctrl-C)",
            "143:stopped by SIGTERM"
        })
final class HelixCommand implements Runnable {
    final Cli cli;

    @Spec
    CommandSpec spec;

    HelixCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public void run() {
        throw new ParameterException(
                spec.commandLine(),
                "a command is required (central, tenants, products, one, status, repair, baseline, config, start, runs, run,"
                        + " resume, stop, purge)");
    }
}
