package com.helix.migrations.schema;

import com.helix.migrations.exceptions.UnknownProductTypeException;
import com.helix.migrations.registry.Ids;
import com.helix.migrations.registry.Tier;

import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where each tier's migrations are: {@code migrations/{central,tenant,product/<type>}} packaged in the
 * jar, or the same layout under {@code MIGRATIONS_DIR}.
 */
public final class MigrationSources {
    static final String PACKAGED_ROOT = "migrations";

    private final Path directory;
    private final ClassLoader classLoader;

    /** @param directory a {@code MIGRATIONS_DIR}, or null for the packaged migrations */
    public MigrationSources(Path directory) {
        this.directory = directory;
        this.classLoader = MigrationSources.class.getClassLoader();
    }

    public static MigrationSources packaged() {
        return new MigrationSources(null);
    }

    /** The Flyway location of a tier's migrations (for products, of one product type). */
    public String locationFor(Tier tier, String productType) {
        String relative = switch (tier) {
            case CENTRAL -> "central";
            case TENANT -> "tenant";
            case PRODUCT -> "product/" + requireKnownProductType(productType);
        };
        return directory == null
                ? "classpath:" + PACKAGED_ROOT + "/" + relative
                : "filesystem:" + directory.resolve(relative).toAbsolutePath();
    }

    /** The product type, when migrations exist for it; otherwise {@link UnknownProductTypeException}. */
    public String requireKnownProductType(String productType) {
        if (productType == null || !Ids.PRODUCT_TYPE.matcher(productType).matches() || !exists("product/" + productType)) {
            throw new UnknownProductTypeException(productType == null ? "null" : Ids.quote(productType).replaceAll("^'|'$", ""));
        }
        return productType;
    }

    /** Every product type with migrations, from the folders under {@code product/}. */
    public List<String> productTypes() {
        if (directory != null) {
            try (Stream<Path> children = Files.list(directory.resolve("product"))) {
                return children.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                        .filter(t -> Ids.PRODUCT_TYPE.matcher(t).matches()).sorted().toList();
            } catch (IOException e) {
                return List.of();
            }
        }
        return ScannedMigrations.scan("classpath:" + PACKAGED_ROOT + "/product").getResources("", ".sql").stream()
                .map(r -> r.getRelativePath().replace('\\', '/'))
                .filter(path -> path.indexOf('/') > 0)
                .map(path -> path.substring(0, path.indexOf('/')))
                .distinct().sorted().toList();
    }

    private boolean exists(String relative) {
        if (directory != null) {
            return Files.isDirectory(directory.resolve(relative));
        }
        return classLoader.getResource(PACKAGED_ROOT + "/" + relative + "/") != null
                || classLoader.getResource(PACKAGED_ROOT + "/" + relative) != null;
    }
}
