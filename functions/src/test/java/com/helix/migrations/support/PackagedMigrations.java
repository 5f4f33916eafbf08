package com.helix.migrations.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Copies of the packaged migration folders, for tests that change a set or add to it. */
public final class PackagedMigrations {
    private PackagedMigrations() {}

    /** {@code dir/<tier>} for each tier folder named ({@code central}, {@code tenant}, {@code product/kira}); returns {@code dir}. */
    public static Path copy(Path dir, String... tiers) {
        try {
            for (String tier : tiers) {
                Path to = Files.createDirectories(dir.resolve(tier));
                List<Path> files;
                try (Stream<Path> listing =
                        Files.list(NodeTools.REPO.resolve("migrations").resolve(tier))) {
                    files = listing.toList();
                }
                for (Path file : files) {
                    Files.copy(file, to.resolve(file.getFileName()));
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
