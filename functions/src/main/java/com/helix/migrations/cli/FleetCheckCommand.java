package com.helix.migrations.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/**
 * What the commands that look at (or repair) the whole fleet share: where the platform is, which
 * tiers and databases, how many at once, how to print.
 */
abstract class FleetCheckCommand implements Callable<Integer> {
    @ParentCommand
    HelixCommand parent;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    TierOptions tiers;

    @Mixin
    ConcurrencyOption concurrency;

    @Mixin
    OutputOption output;
}
