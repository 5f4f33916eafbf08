package com.helix.migrations.cli;

import picocli.CommandLine.Option;

/** {@code --output text|json}: how a command prints its result, the same on every command. */
final class OutputOption {
    @Option(
            names = "--output",
            paramLabel = "text|json",
            defaultValue = "text",
            description = "text (default) or json: one JSON document on standard output, nothing else.")
    Output output;

    enum Output {
        text,
        json
    }

    boolean json() {
        return output == Output.json;
    }
}
