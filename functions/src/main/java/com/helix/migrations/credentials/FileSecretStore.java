package com.helix.migrations.credentials;

import com.fasterxml.jackson.databind.JsonNode;
import com.helix.migrations.exceptions.InvalidConfigurationException;
import com.helix.migrations.exceptions.SecretNotFoundException;
import com.helix.migrations.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Secrets from a local JSON file ({@code SECRETS_FILE}): an object from secret id to the same JSON
 * Secrets Manager would hold (as an object or as a string). For local work and the demo; the region
 * is ignored, but jurisdictions are still checked by {@link Credentials}.
 */
public final class FileSecretStore implements SecretStore {
    private final Map<String, String> secrets;

    public FileSecretStore(Path file) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(Files.readString(file));
        } catch (IOException e) {
            // The parser's message would quote the file's text, passwords included.
            throw new InvalidConfigurationException("secrets file " + file + " is not readable JSON");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidConfigurationException(
                    "secrets file " + file + " must be a JSON object of secret id to secret JSON");
        }
        Map<String, String> read = new HashMap<>();
        root.fields()
                .forEachRemaining(entry -> read.put(
                        entry.getKey(),
                        entry.getValue().isTextual()
                                ? entry.getValue().asText()
                                : entry.getValue().toString()));
        this.secrets = Map.copyOf(read);
    }

    @Override
    public String secretString(String region, String secretId) {
        String value = secrets.get(secretId);
        if (value == null) {
            throw new SecretNotFoundException(secretId);
        }
        return value;
    }
}
