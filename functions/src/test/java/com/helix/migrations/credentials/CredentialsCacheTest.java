package com.helix.migrations.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import com.helix.migrations.support.SecretsManagerFake;
import com.helix.migrations.support.SecretsManagerFake.Fetch;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Needs: the Secrets Manager fake. The cache keeps the most recently used secrets only. */
class CredentialsCacheTest {

    @Test
    void theCache_keepsTheMostRecentlyUsedSecrets_andFetchesAnEvictedOneAgain() {
        Map<String, Object> secret = Map.of("username", "app", "password", "not-a-real-password");
        SecretsManagerFake.serve(Map.of("helix/uk/a", secret, "helix/uk/b", secret, "helix/uk/c", secret));
        Credentials credentials = new Credentials(new SecretsManagerStore(), Map.of("uk", "eu-west-2"), "eu-west-1", 2);

        for (String id : new String[] {"a", "b", "a", "c", "a", "b"}) {
            assertThat(credentials.forJurisdiction("uk", "helix/uk/" + id).username())
                    .isEqualTo("app");
        }

        // a, b fetched; a from the cache; c evicts b (least recently used); a from the cache; b again.
        assertThat(SecretsManagerFake.fetches())
                .extracting(Fetch::secretId)
                .containsExactly("helix/uk/a", "helix/uk/b", "helix/uk/c", "helix/uk/b");
    }
}
