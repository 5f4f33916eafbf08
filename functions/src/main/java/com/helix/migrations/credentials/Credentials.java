package com.helix.migrations.credentials;

import com.fasterxml.jackson.databind.JsonNode;
import com.helix.migrations.exceptions.InvalidSecretException;
import com.helix.migrations.exceptions.UnknownJurisdictionException;
import com.helix.migrations.json.Json;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where credentials come from. A target's secret is read only from the region of its jurisdiction
 * ({@code JURISDICTION_REGIONS}); a jurisdiction without one is refused, whichever store is used.
 * Parsed secrets are cached for the life of the container (or CLI run), the most recently used
 * {@value #CAPACITY} of them, so a warm container that has served a whole fleet does not hold every
 * tenant's password; {@link #forget} drops one after the database has rejected it, so a rotated
 * password is picked up on the next try.
 */
public final class Credentials {
    static final int CAPACITY = 1000;

    private final SecretStore store;
    private final Map<String, String> jurisdictionRegions;
    private final String homeRegion;
    private final Map<String, DatabaseCredentials> cache;

    public Credentials(SecretStore store, Map<String, String> jurisdictionRegions, String homeRegion) {
        this(store, jurisdictionRegions, homeRegion, CAPACITY);
    }

    Credentials(SecretStore store, Map<String, String> jurisdictionRegions, String homeRegion, int capacity) {
        this.store = store;
        this.jurisdictionRegions = Map.copyOf(jurisdictionRegions);
        this.homeRegion = homeRegion;
        this.cache = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, DatabaseCredentials> eldest) {
                return size() > capacity;
            }
        });
    }

    /** The region a jurisdiction's data and secrets live in. */
    public String regionOf(String jurisdiction) {
        String region = jurisdiction == null ? null : jurisdictionRegions.get(jurisdiction);
        if (region == null) {
            throw new UnknownJurisdictionException(jurisdiction);
        }
        return region;
    }

    /** The secret of a tenant or product database, from its jurisdiction's region. */
    public DatabaseCredentials forJurisdiction(String jurisdiction, String secretId) {
        return get(regionOf(jurisdiction), secretId);
    }

    /** A secret from the home region ({@code AWS_REGION}), such as the central database's. */
    public DatabaseCredentials home(String secretId) {
        return get(homeRegion, secretId);
    }

    /** Builds the store's clients for every configured region (no request is made). */
    public void prime() {
        if (store instanceof SecretsManagerStore secretsManager) {
            jurisdictionRegions.values().forEach(secretsManager::client);
            if (homeRegion != null) {
                secretsManager.client(homeRegion);
            }
        }
    }

    public void forget(String secretId) {
        synchronized (cache) {
            cache.keySet().removeIf(key -> key.endsWith("\u0000" + secretId));
        }
    }

    private DatabaseCredentials get(String region, String secretId) {
        String key = region + "\u0000" + secretId;
        DatabaseCredentials cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        // Fetched outside the lock: other databases' workers are not held up by this request.
        DatabaseCredentials fetched = parse(secretId, store.secretString(region, secretId));
        cache.put(key, fetched);
        return fetched;
    }

    static DatabaseCredentials parse(String secretId, String secretString) {
        JsonNode json;
        try {
            json = secretString == null ? null : Json.MAPPER.readTree(secretString);
        } catch (IOException e) {
            throw new InvalidSecretException(secretId, "not valid JSON");
        }
        if (json == null || !json.isObject()) {
            throw new InvalidSecretException(secretId, "not a JSON object");
        }
        String username = text(json, "username");
        String password = text(json, "password");
        if (username == null) {
            throw new InvalidSecretException(secretId, "no username");
        }
        if (password == null) {
            throw new InvalidSecretException(secretId, "no password");
        }
        JsonNode port = json.get("port");
        Integer portNumber = null;
        if (port != null && !port.isNull()) {
            if (port.canConvertToInt() || (port.isTextual() && port.asText().matches("\\d{1,5}"))) {
                portNumber = port.asInt();
            } else {
                throw new InvalidSecretException(secretId, "port is not a number");
            }
        }
        return new DatabaseCredentials(username, password, text(json, "host"), portNumber, text(json, "dbname"));
    }

    private static String text(JsonNode json, String field) {
        JsonNode node = json.get(field);
        return node == null
                        || !node.isValueNode()
                        || node.isNull()
                        || node.asText().isEmpty()
                ? null
                : node.asText();
    }
}
