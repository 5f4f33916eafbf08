package com.helix.migrations.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.helix.migrations.json.Json;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Secrets Manager JSON API on a local port, reached by the real SDK client through the
 * {@code aws.endpointUrlSecretsManager} system property (the SDK's own override). One per test JVM.
 */
public final class SecretsManagerFake {
    private static final Pattern SIGV4_REGION = Pattern.compile("Credential=[^/]+/\\d{8}/([a-z0-9-]+)/secretsmanager/");
    private static WireMockServer server;

    private SecretsManagerFake() {}

    public static synchronized WireMockServer start() {
        if (server == null) {
            server = new WireMockServer(options().dynamicPort());
            server.start();
            System.setProperty("aws.endpointUrlSecretsManager", "http://localhost:" + server.port());
            System.setProperty("aws.accessKeyId", "AKIDTESTTEST");
            System.setProperty("aws.secretAccessKey", "test-secret-access-key");
            System.setProperty("aws.region", "eu-west-1");
        }
        return server;
    }

    /** Serves every secret given, with a catch-all ResourceNotFoundException for the rest. */
    public static void serve(Map<String, ? extends Map<String, Object>> secrets) {
        WireMockServer wm = start();
        wm.resetAll();
        wm.stubFor(
                post(urlEqualTo("/"))
                        .atPriority(10)
                        .withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
                        .willReturn(
                                aResponse()
                                        .withStatus(400)
                                        .withHeader("Content-Type", "application/x-amz-json-1.1")
                                        .withHeader("x-amzn-ErrorType", "ResourceNotFoundException")
                                        .withBody(
                                                "{\"__type\":\"ResourceNotFoundException\",\"message\":\"Secrets Manager can't find the specified secret.\"}")));
        secrets.forEach((id, value) -> put(id, Json.MAPPER.valueToTree(value).toString()));
    }

    /** Serves one secret string (which may be malformed on purpose). */
    public static void put(String secretId, String secretString) {
        start().stubFor(post(urlEqualTo("/"))
                .atPriority(1)
                .withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
                .withRequestBody(matchingJsonPath("$.SecretId", equalTo(secretId)))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody(Json.MAPPER
                                .createObjectNode()
                                .put("ARN", "arn:aws:secretsmanager:eu-west-2:123456789012:secret:" + secretId)
                                .put("Name", secretId)
                                .put("SecretString", secretString)
                                .put("VersionId", "v1")
                                .toString())));
    }

    /** Every GetSecretValue request: secret id and the region it was signed for. */
    public static List<Fetch> fetches() {
        return start()
                .findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlEqualTo("/")))
                .stream()
                .map(SecretsManagerFake::fetch)
                .toList();
    }

    public record Fetch(String secretId, String region) {}

    private static Fetch fetch(LoggedRequest request) {
        Matcher m = SIGV4_REGION.matcher(request.getHeader("Authorization"));
        String region = m.find() ? m.group(1) : null;
        try {
            JsonNode body = Json.MAPPER.readTree(request.getBodyAsString());
            return new Fetch(body.path("SecretId").asText(), region);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("unreadable request body", e);
        }
    }
}
