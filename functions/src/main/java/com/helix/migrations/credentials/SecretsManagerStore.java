package com.helix.migrations.credentials;

import com.helix.migrations.exceptions.SecretAccessDeniedException;
import com.helix.migrations.exceptions.SecretNotFoundException;
import com.helix.migrations.exceptions.SecretsUnavailableException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * Reads secrets from AWS Secrets Manager, one client per region, built on first use and kept for the
 * life of the container. Endpoints follow the SDK's own settings ({@code AWS_ENDPOINT_URL_SECRETS_MANAGER}
 * or the {@code aws.endpointUrlSecretsManager} system property), which is how tests reach a local server.
 */
public final class SecretsManagerStore implements SecretStore {
    private final Map<String, SecretsManagerClient> clients = new ConcurrentHashMap<>();
    private final Function<String, SecretsManagerClient> clientFactory;

    /** Real clients, sharing one URL-connection HTTP client. */
    public SecretsManagerStore() {
        this(sharedFactory(UrlConnectionHttpClient.create()));
    }

    /** Clients made by the given factory, one per region. */
    public SecretsManagerStore(Function<String, SecretsManagerClient> clientFactory) {
        this.clientFactory = clientFactory;
    }

    @Override
    public String secretString(String region, String secretId) {
        try {
            return client(region)
                    .getSecretValue(
                            GetSecretValueRequest.builder().secretId(secretId).build())
                    .secretString();
        } catch (ResourceNotFoundException e) {
            throw new SecretNotFoundException(secretId);
        } catch (SdkServiceException e) {
            if (e.isThrottlingException() || e.statusCode() >= 500) {
                throw new SecretsUnavailableException(
                        region + ": " + e.getClass().getSimpleName() + " (HTTP " + e.statusCode() + ")", e);
            }
            throw new SecretAccessDeniedException(secretId + " in " + region + " (HTTP " + e.statusCode() + ")", e);
        } catch (SdkException e) {
            throw new SecretsUnavailableException(region + ": " + e.getMessage(), e);
        }
    }

    /** The region's client, built on first use. */
    SecretsManagerClient client(String region) {
        return clients.computeIfAbsent(region, clientFactory);
    }

    private static Function<String, SecretsManagerClient> sharedFactory(SdkHttpClient http) {
        return region -> SecretsManagerClient.builder()
                .region(Region.of(region))
                .httpClient(http)
                .build();
    }
}
