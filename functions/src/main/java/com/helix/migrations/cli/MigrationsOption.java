package com.helix.migrations.cli;

import java.util.Map;
import picocli.CommandLine.Option;

/** Where the migrations are: the one flag every command that reads them shares. */
final class MigrationsOption {
    @Option(
            names = "--migrations",
            paramLabel = "DIR",
            description =
                    "Read migrations from DIR/{central,tenant,product/<type>} instead of the packaged ones (env MIGRATIONS_DIR).")
    String directory;

    /** Lays the flag over the environment's {@code MIGRATIONS_DIR}. */
    void putInto(Map<String, String> env) {
        if (directory != null) {
            env.put("MIGRATIONS_DIR", directory);
        }
    }
}
