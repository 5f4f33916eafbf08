package com.helix.migrations.schema;

import com.helix.migrations.exceptions.InvalidConfigurationException;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.flywaydb.core.api.ClassProvider;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.configuration.Configuration;
import org.flywaydb.core.api.migration.JavaMigration;
import org.flywaydb.core.api.resource.LoadableResource;
import org.flywaydb.core.internal.scanner.Scanner;

/**
 * One location's files, scanned and read once and then served from memory to every database's
 * Flyway run. Without it, each database pays for a scan of the whole jar and a read of every file.
 */
final class ScannedMigrations implements ResourceProvider, ClassProvider<JavaMigration> {
    private final List<LoadableResource> resources;
    private final Collection<Class<? extends JavaMigration>> classes;

    private ScannedMigrations(List<LoadableResource> resources, Collection<Class<? extends JavaMigration>> classes) {
        this.resources = resources;
        this.classes = classes;
    }

    /**
     * Scans with Flyway's own scanner and the tier's configuration (encodings, suffixes), so that what
     * is found is exactly what Flyway would find. A missing folder or a file that is not valid in its
     * encoding is refused here, naming it, before any database is touched.
     *
     * @param folder the tier's folder, for messages
     */
    static ScannedMigrations scan(String folder, Configuration configuration) {
        List<LoadableResource> found;
        Collection<Class<? extends JavaMigration>> classes;
        try {
            // Internal: Flyway's scanner has no public API, and a public one of our own would find other files.
            Scanner<JavaMigration> scanner =
                    new Scanner<>(JavaMigration.class, configuration, configuration.getLocations());
            found = List.copyOf(scanner.getResources("", ""));
            classes = List.copyOf(scanner.getClasses());
        } catch (FlywayException e) {
            throw new InvalidConfigurationException(
                    folder + ": no migrations folder (" + firstLine(e.getMessage()) + ")");
        }
        List<LoadableResource> cached = new ArrayList<>();
        for (LoadableResource resource : found) {
            cached.add(new InMemory(folder, resource));
        }
        return new ScannedMigrations(List.copyOf(cached), classes);
    }

    /** Every file, in Flyway's order. */
    List<LoadableResource> all() {
        return resources;
    }

    @Override
    public LoadableResource getResource(String name) {
        return resources.stream()
                .filter(r -> r.getRelativePath().equals(name))
                .findFirst()
                .orElse(null);
    }

    @Override
    public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
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

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).trim();
    }

    /** A file's text, read once (in its encoding: Flyway's, or the one its {@code .conf} names). */
    private static final class InMemory extends LoadableResource {
        private final String text;
        private final String filename;
        private final String relativePath;
        private final String absolutePath;
        private final String absolutePathOnDisk;

        InMemory(String folder, LoadableResource resource) {
            try (Reader reader = resource.read()) {
                StringBuilder text = new StringBuilder();
                char[] buffer = new char[8192];
                for (int n; (n = reader.read(buffer)) > 0; ) {
                    text.append(buffer, 0, n);
                }
                this.text = text.toString();
            } catch (IOException | UncheckedIOException | FlywayException e) {
                throw new InvalidConfigurationException(folder + "/" + resource.getRelativePath()
                        + " could not be read in its encoding (" + e.getClass().getSimpleName()
                        + "); set encoding in flyway.conf or in " + resource.getFilename() + ".conf");
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
