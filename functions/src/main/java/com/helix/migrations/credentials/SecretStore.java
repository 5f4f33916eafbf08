package com.helix.migrations.credentials;

/** Where secret strings come from: Secrets Manager in production, a JSON file locally. */
public sealed interface SecretStore permits SecretsManagerStore, FileSecretStore {

    /**
     * The secret's string value.
     *
     * @param region the region that holds it: the target's jurisdiction's, or the home region
     * @throws com.helix.migrations.exceptions.SecretNotFoundException when there is no such secret
     */
    String secretString(String region, String secretId);
}
