package com.helix.migrations.schema;

import com.helix.migrations.exceptions.InvalidConfigurationException;
import com.helix.migrations.exceptions.UnknownProductTypeException;
import com.helix.migrations.target.Ids;
import com.helix.migrations.target.Tier;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.flywaydb.core.api.resource.LoadableResource;

/**
 * Where each tier's migrations are ({@code migrations/{central,tenant,product/<type>}} packaged in the
 * jar, or the same layout under {@code MIGRATIONS_DIR}), each read and checked once as a
 * {@link MigrationSet}. A set that cannot be used fails the same way every time it is asked for.
 */
public final class MigrationSources {
    static final String PACKAGED_ROOT = "migrations";

    private final Path directory;
    private final Map<String, String> environment;
    private final ClassLoader classLoader = MigrationSources.class.getClassLoader();
    private final Map<String, Loaded> sets = new ConcurrentHashMap<>();

    /**
     * @param directory   a {@code MIGRATIONS_DIR}, or null for the packaged migrations
     * @param environment the process environment, whose {@code FLYWAY_*} variables configure every tier
     */
    public MigrationSources(Path directory, Map<String, String> environment) {
        this.directory = directory;
        this.environment = Map.copyOf(environment);
    }

    /** A tier's migrations (for products, one type's), read and checked on first use. */
    public MigrationSet set(Tier tier, String productType) {
        String folder = switch (tier) {
            case CENTRAL -> "central";
            case TENANT -> "tenant";
            case PRODUCT -> "product/" + requireKnownProductType(productType);
        };
        Loaded loaded = sets.computeIfAbsent(folder, this::load);
        if (loaded.error() != null) {
            throw loaded.error();
        }
        return loaded.set();
    }

    /** Every tier's set (each product type's), checked: a mistake in any of them is thrown, naming the file. */
    public List<MigrationSet> all() {
        List<MigrationSet> all = new ArrayList<>();
        all.add(set(Tier.CENTRAL, null));
        all.add(set(Tier.TENANT, null));
        for (String productType : productTypes()) {
            all.add(set(Tier.PRODUCT, productType));
        }
        return all;
    }

    /**
     * This build's migrations: the latest version of each folder that can be read ({@code tenant} →
     * {@code 5}, {@code product/kira} → {@code 4}; {@code 0} for an empty one).
     */
    public Map<String, String> build() {
        Map<String, String> build = new TreeMap<>();
        for (MigrationSet set : prime()) {
            build.put(set.folder(), set.latest() == null ? "0" : set.latest().getVersion());
        }
        return build;
    }

    /**
     * Reads and checks every set ahead of use (SnapStart priming); returns those that can be used. One
     * that cannot is not an error here: every use of it reports why.
     */
    public List<MigrationSet> prime() {
        try {
            return all();
        } catch (InvalidConfigurationException e) {
            return sets.values().stream()
                    .filter(loaded -> loaded.set() != null)
                    .map(Loaded::set)
                    .toList();
        }
    }

    /** The product type, when migrations exist for it; otherwise {@link UnknownProductTypeException}. */
    public String requireKnownProductType(String productType) {
        if (productType == null
                || !Ids.PRODUCT_TYPE.matcher(productType).matches()
                || !exists("product/" + productType)) {
            throw new UnknownProductTypeException(
                    productType == null ? "null" : Ids.quote(productType).replaceAll("^'|'$", ""));
        }
        return productType;
    }

    /** Every product type with migrations, from the folders under {@code product/}. */
    public List<String> productTypes() {
        if (directory != null) {
            if (!Files.isDirectory(directory.resolve("product"))) {
                return List.of();
            }
            try (Stream<Path> children = Files.list(directory.resolve("product"))) {
                return children.filter(Files::isDirectory)
                        .map(p -> p.getFileName().toString())
                        .filter(t -> Ids.PRODUCT_TYPE.matcher(t).matches())
                        .sorted()
                        .toList();
            } catch (IOException e) {
                throw new InvalidConfigurationException(
                        "MIGRATIONS_DIR: could not list " + directory.resolve("product") + " (" + e.getMessage() + ")");
            }
        }
        return ScannedMigrations.scan(
                        "product",
                        org.flywaydb.core.Flyway.configure(classLoader)
                                .locations("classpath:" + PACKAGED_ROOT + "/product")
                                .failOnMissingLocations(true))
                .all()
                .stream()
                .map(LoadableResource::getRelativePath)
                .map(path -> path.replace('\\', '/'))
                .filter(path -> path.indexOf('/') > 0)
                .map(path -> path.substring(0, path.indexOf('/')))
                .filter(t -> Ids.PRODUCT_TYPE.matcher(t).matches())
                .distinct()
                .sorted()
                .toList();
    }

    private Loaded load(String folder) {
        try {
            FlywaySettings settings = FlywaySettings.read(
                    folder,
                    read(folder, FlywaySettings.CONF_FILE),
                    read(folder, FlywaySettings.TOML_FILE),
                    environment);
            String location = directory == null
                    ? "classpath:" + PACKAGED_ROOT + "/" + folder
                    : "filesystem:" + directory.resolve(folder).toAbsolutePath();
            return new Loaded(MigrationSet.load(folder, location, settings, classLoader), null);
        } catch (InvalidConfigurationException e) {
            return new Loaded(null, e);
        }
    }

    /** A configuration file of a tier's folder, or null when it has none. */
    private String read(String folder, String file) {
        try {
            if (directory != null) {
                Path path = directory.resolve(folder).resolve(file);
                return Files.isRegularFile(path) ? Files.readString(path, StandardCharsets.UTF_8) : null;
            }
            try (InputStream in = classLoader.getResourceAsStream(PACKAGED_ROOT + "/" + folder + "/" + file)) {
                return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new InvalidConfigurationException(folder + "/" + file + " could not be read as UTF-8 ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private boolean exists(String relative) {
        if (directory != null) {
            return Files.isDirectory(directory.resolve(relative));
        }
        return classLoader.getResource(PACKAGED_ROOT + "/" + relative + "/") != null
                || classLoader.getResource(PACKAGED_ROOT + "/" + relative) != null;
    }

    private record Loaded(MigrationSet set, InvalidConfigurationException error) {}
}
