package com.helix.migrations.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The Amazon RDS certificate authorities, shipped in the jar ({@code tls/rds-ca-bundle.pem}: the
 * regional RSA 2048, RSA 4096 and ECC 384 roots of AWS's global bundle that are still valid). The
 * driver reads {@code sslrootcert} from a file, so the bundle is copied to one temporary file per
 * process, on first use.
 */
public final class RdsCaBundle {
    private static final String RESOURCE = "tls/rds-ca-bundle.pem";

    private RdsCaBundle() {}

    /** The bundle as a file the driver can read. */
    public static Path file() {
        return Holder.FILE;
    }

    private static final class Holder {
        static final Path FILE = extract();

        private static Path extract() {
            try (InputStream bundle = RdsCaBundle.class.getClassLoader().getResourceAsStream(RESOURCE)) {
                if (bundle == null) {
                    throw new IllegalStateException(RESOURCE + " is missing from the jar");
                }
                Path file = Files.createTempFile("helix-rds-ca-", ".pem");
                file.toFile().deleteOnExit();
                Files.copy(bundle, file, StandardCopyOption.REPLACE_EXISTING);
                return file;
            } catch (IOException e) {
                throw new UncheckedIOException("could not write the RDS CA bundle to a temporary file", e);
            }
        }
    }
}
