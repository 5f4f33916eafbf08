package com.helix.migrations.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A migration set shaped like a real Flyway project's ({@code src/test/resources/flyway-project}): a
 * tier folder with its own {@code flyway.conf} (placeholders), an enum, a {@code ${…}} function body
 * with a per-script {@code .sql.conf}, a {@code CREATE INDEX CONCURRENTLY} migration, a psql-style
 * {@code BEGIN … COMMIT} script and repeatable views and functions. Tests copy it and change the copy.
 */
public final class FlywayProject {
    public static final Path SOURCE =
            Path.of("src", "test", "resources", "flyway-project").toAbsolutePath();

    private FlywayProject() {}

    /** The project's tenant tier in {@code dir/tenant}, with the packaged central migrations beside it. */
    public static Path copyTo(Path dir) {
        copy(SOURCE, dir);
        copy(NodeTools.REPO.resolve("migrations/central"), dir.resolve("central"));
        return dir;
    }

    /** Writes (or replaces) one file of the copy's tenant tier. */
    public static Path write(Path dir, String file, String text) {
        try {
            return Files.writeString(dir.resolve("tenant").resolve(file), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copy(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
