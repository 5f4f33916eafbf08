package com.helix.migrations.schema;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.ClassProvider;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.migration.JavaMigration;
import org.flywaydb.core.api.resource.LoadableResource;
import org.flywaydb.core.internal.scanner.Scanner;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * One location's migrations, scanned and read once and then served from memory to every database's
 * Flyway run. Without it, each database pays for a scan of the whole jar and a read of every file.
 */
final class ScannedMigrations implements ResourceProvider, ClassProvider<JavaMigration> {
    private final List<LoadableResource> resources;
    private final Collection<Class<? extends JavaMigration>> classes;
    private final MigrationVersion latest;

    private ScannedMigrations(List<LoadableResource> resources, Collection<Class<? extends JavaMigration>> classes) {
        this.resources = resources;
        this.classes = classes;
        this.latest = resources.stream().map(LoadableResource::getFilename)
                .filter(name -> name.startsWith("V") && name.contains("__") && name.endsWith(".sql"))
                .map(name -> MigrationVersion.fromVersion(name.substring(1, name.indexOf("__")).replace('_', '.')))
                .max(MigrationVersion::compareTo).orElse(null);
    }

    /** The newest versioned migration here, or null when there is none. */
    MigrationVersion latest() {
        return latest;
    }

    /** Scans with Flyway's own scanner, so that what is found is exactly what Flyway would find. */
    static ScannedMigrations scan(String location) {
        FluentConfiguration configuration = Flyway.configure(ScannedMigrations.class.getClassLoader())
                .locations(location)
                .failOnMissingLocations(true);
        Scanner<JavaMigration> scanner = new Scanner<>(JavaMigration.class, configuration, configuration.getLocations());
        List<LoadableResource> cached = new ArrayList<>();
        for (LoadableResource resource : scanner.getResources("", "")) {
            cached.add(new InMemory(resource));
        }
        return new ScannedMigrations(List.copyOf(cached), List.copyOf(scanner.getClasses()));
    }

    @Override
    public LoadableResource getResource(String name) {
        return resources.stream().filter(r -> r.getRelativePath().equals(name)).findFirst().orElse(null);
    }

    @Override
    public Collection<LoadableResource> getResources(String prefix, String... suffixes) {
        List<LoadableResource> matching = new ArrayList<>();
        for (LoadableResource resource : resources) {
            String name = resource.getFilename();
            if (name.startsWith(prefix) && endsWithAny(name, suffixes)) {
                matching.add(resource);
            }
        }
        return matching;
    }

    @Override
    public Collection<Class<? extends JavaMigration>> getClasses() {
        return classes;
    }

    private static boolean endsWithAny(String name, String[] suffixes) {
        if (suffixes.length == 0) {
            return true;
        }
        for (String suffix : suffixes) {
            if (name.endsWith(suffix)) {
                return true;
            }
        }
        return false;
    }

    /** A migration file's text, read once. */
    private static final class InMemory extends LoadableResource {
        private final String text;
        private final String filename;
        private final String relativePath;
        private final String absolutePath;
        private final String absolutePathOnDisk;

        InMemory(LoadableResource resource) {
            try (Reader reader = resource.read()) {
                StringBuilder text = new StringBuilder();
                char[] buffer = new char[8192];
                for (int n; (n = reader.read(buffer)) > 0; ) {
                    text.append(buffer, 0, n);
                }
                this.text = text.toString();
            } catch (IOException e) {
                throw new UncheckedIOException("could not read migration " + resource.getFilename(), e);
            }
            this.filename = resource.getFilename();
            this.relativePath = resource.getRelativePath();
            this.absolutePath = resource.getAbsolutePath();
            this.absolutePathOnDisk = resource.getAbsolutePathOnDisk();
        }

        @Override
        public Reader read() {
            return new StringReader(text);
        }

        @Override
        public String getAbsolutePath() {
            return absolutePath;
        }

        @Override
        public String getAbsolutePathOnDisk() {
            return absolutePathOnDisk;
        }

        @Override
        public String getFilename() {
            return filename;
        }

        @Override
        public String getRelativePath() {
            return relativePath;
        }
    }
}
