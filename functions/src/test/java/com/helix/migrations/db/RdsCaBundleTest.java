package com.helix.migrations.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The RDS certificate authorities {@code verify-ca} and {@code verify-full} trust by default. */
class RdsCaBundleTest {

    @Test
    void theBundle_holdsTheRegionalRdsRoots_allValidToday_andReachesTheDriverAsAFile() throws Exception {
        List<X509Certificate> roots;
        try (InputStream in = Files.newInputStream(RdsCaBundle.file())) {
            roots = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast)
                    .toList();
        }

        assertThat(roots).hasSize(87).allSatisfy(root -> {
            assertThat(root.getSubjectX500Principal().getName())
                    .contains("OU=Amazon RDS")
                    .contains("O=Amazon Web Services\\, Inc.");
            assertThat(root.getBasicConstraints()).as("a certificate authority").isGreaterThanOrEqualTo(0);
            root.checkValidity(Date.from(java.time.Instant.now()));
        });
        assertThat(roots)
                .extracting(root -> root.getSubjectX500Principal().getName())
                .anyMatch(name -> name.contains("CN=Amazon RDS eu-west-2 Root CA RSA2048 G1"))
                .anyMatch(name -> name.contains("CN=Amazon RDS eu-central-1 Root CA ECC384 G1"));
    }
}
