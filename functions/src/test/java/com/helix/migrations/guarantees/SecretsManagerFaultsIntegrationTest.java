package com.helix.migrations.guarantees;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.helix.migrations.core.Action;
import com.helix.migrations.core.MigrationOutcome;
import com.helix.migrations.core.MigrationRequest;
import com.helix.migrations.core.MigrationStatus;
import com.helix.migrations.exceptions.SecretsUnavailableException;
import com.helix.migrations.json.Json;
import com.helix.migrations.support.SecretsManagerFake;
import com.helix.migrations.support.TestFleet;
import com.helix.migrations.target.Tier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Needs: the embedded PostgreSQL and the Secrets Manager fake. Throttling is ridden out by the SDK's
 * retries; an outage is reported as retryable, and names no secret value.
 */
class SecretsManagerFaultsIntegrationTest {
    private static final String SECRET = "helix/uk/tenant/acme-uk";
    private static TestFleet fleet;

    @BeforeAll
    static void fleet() {
        fleet = TestFleet.empty("smf_");
        fleet.builder.tenant("acme-uk", "Acme Corp", "uk", "active", true);
    }

    @AfterAll
    static void drop() {
        fleet.close();
    }

    @Test
    void throttling_isRetriedByTheSdk_andTheMigrationSucceeds() {
        fleet.serveSecrets();
        WireMockServer wm = SecretsManagerFake.start();
        String secret =
                Json.MAPPER.valueToTree(fleet.builder.secrets().get(SECRET)).toString();
        wm.stubFor(post(urlEqualTo("/"))
                .atPriority(0)
                .inScenario("throttle")
                .whenScenarioStateIs(Scenario.STARTED)
                .withRequestBody(matchingJsonPath("$.SecretId", equalTo(SECRET)))
                .willReturn(aResponse()
                        .withStatus(400)
                        .withHeader("x-amzn-ErrorType", "ThrottlingException")
                        .withBody("{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}"))
                .willSetStateTo("throttled once"));
        wm.stubFor(post(urlEqualTo("/"))
                .atPriority(0)
                .inScenario("throttle")
                .whenScenarioStateIs("throttled once")
                .withRequestBody(matchingJsonPath("$.SecretId", equalTo(SECRET)))
                .willReturn(aResponse()
                        .withStatus(503)
                        .withBody("{\"__type\":\"ServiceUnavailable\",\"message\":\"busy\"}"))
                .willSetStateTo("recovered"));
        wm.stubFor(post(urlEqualTo("/"))
                .atPriority(0)
                .inScenario("throttle")
                .whenScenarioStateIs("recovered")
                .withRequestBody(matchingJsonPath("$.SecretId", equalTo(SECRET)))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody(Json.MAPPER
                                .createObjectNode()
                                .put("Name", SECRET)
                                .put("SecretString", secret)
                                .toString())));

        MigrationOutcome outcome =
                TestFleet.run(fleet.platform(), new MigrationRequest(Tier.TENANT, "acme-uk", Action.MIGRATE, null));

        assertThat(outcome.status()).isEqualTo(MigrationStatus.MIGRATED);
        assertThat(SecretsManagerFake.fetches().stream()
                        .filter(f -> f.secretId().equals(SECRET))
                        .count())
                .isEqualTo(3);
    }

    @Test
    void anOutage_isReportedAsRetryable_withoutTheSecret() {
        fleet.serveSecrets();
        SecretsManagerFake.start()
                .stubFor(post(urlEqualTo("/"))
                        .atPriority(0)
                        .withRequestBody(matchingJsonPath("$.SecretId", equalTo(SECRET)))
                        .willReturn(aResponse()
                                .withStatus(500)
                                .withBody("{\"__type\":\"InternalServiceError\",\"message\":\"down\"}")));

        assertThatThrownBy(() -> TestFleet.run(
                        fleet.platform(), new MigrationRequest(Tier.TENANT, "acme-uk", Action.STATUS, null)))
                .isExactlyInstanceOf(SecretsUnavailableException.class)
                .hasMessageStartingWith("Secrets Manager unavailable: eu-west-2: ")
                .hasMessageContaining("HTTP 500")
                .satisfies(e -> assertThat(((SecretsUnavailableException) e).retryable())
                        .isTrue());
    }
}
