package com.helix.migrations.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.helix.migrations.json.Json;
import com.helix.migrations.support.CliRun;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Needs: WireMock standing in for the Step Functions API, reached by the real SDK client through
 * {@code aws.endpointUrlSfn}. {@code start --wait} follows an execution to its end.
 */
class StartCommandTest {
    private static final String STATE_MACHINE =
            "arn:aws:states:eu-west-2:123456789012:stateMachine:helix-migrate-fleet";
    private static final String EXECUTION = "arn:aws:states:eu-west-2:123456789012:execution:helix-migrate-fleet:run-1";
    private static WireMockServer sfn;

    @BeforeAll
    static void start() {
        sfn = new WireMockServer(options().dynamicPort());
        sfn.start();
        System.setProperty("aws.endpointUrlSfn", "http://localhost:" + sfn.port());
        System.setProperty("aws.accessKeyId", "AKIDTESTTEST");
        System.setProperty("aws.secretAccessKey", "test-secret-access-key");
    }

    @AfterAll
    static void stop() {
        sfn.stop();
        System.clearProperty("aws.endpointUrlSfn");
    }

    @BeforeEach
    void reset() {
        sfn.resetAll();
        sfn.stubFor(call("StartExecution").willReturn(json(Map.of("executionArn", EXECUTION, "startDate", 1.7e9))));
    }

    @Test
    void succeeded_printsTheSummaryAndExitsZero() {
        describe(
                "SUCCEEDED",
                Map.of("output", "{\"summary\":{\"message\":\"Migration complete: 12 succeeded, 0 failed\"}}"));

        CliRun run = CliRun.of(
                Map.of(),
                "start",
                "--state-machine-arn",
                STATE_MACHINE,
                "--product",
                "kira",
                "--concurrency",
                "8",
                "--wait",
                "--poll",
                "0.05");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out())
                .contains("Started " + EXECUTION)
                .contains("Execution succeeded")
                .contains("Migration complete: 12 succeeded, 0 failed");
        sfn.verify(postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("AWSStepFunctions.StartExecution"))
                .withRequestBody(
                        matchingJsonPath("$.input", equalToJson("{\"productType\":\"kira\",\"maxConcurrency\":8}"))));
    }

    @Test
    void aStatusRun_printsTheVersionsHistogram_andAResumeSendsTheRunToResume() {
        describe("SUCCEEDED", Map.of("output", """
                        {"run": {"runId": "20261125-101500-3fa2c1", "action": "status", "status": "succeeded",
                                 "message": "Run 20261125-101500-3fa2c1 succeeded: 0 migrated, 3 up to date, 0 failed, 0 not started",
                                 "versions": [{"tier": "tenant", "version": "5", "status": "up_to_date", "count": 3},
                                              {"tier": "product", "productType": "kira", "version": "3",
                                               "status": "needs_migration", "count": 1}]},
                         "summary": {"message": "Migration complete: 4 succeeded, 0 failed"}}"""));

        CliRun run = CliRun.of(
                Map.of(),
                "start",
                "--state-machine-arn",
                STATE_MACHINE,
                "--action",
                "status",
                "--wait",
                "--poll",
                "0.05");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out())
                .contains("Databases per version:")
                .containsPattern("tenant @ 5 \\(up_to_date\\) +3  █+")
                .containsPattern("product kira @ 3 \\(needs_migration\\) +1  █+")
                .contains("Run 20261125-101500-3fa2c1 succeeded: 0 migrated, 3 up to date")
                .contains("Per database: helix-migrations run 20261125-101500-3fa2c1");
        sfn.verify(postRequestedFor(urlEqualTo("/"))
                .withRequestBody(matchingJsonPath("$.input", equalToJson("{\"action\":\"status\"}"))));

        CliRun resume = CliRun.of(
                Map.of(),
                "start",
                "--state-machine-arn",
                STATE_MACHINE,
                "--resume",
                "20261125-101500-3fa2c1",
                "--allow-older-build");
        assertThat(resume.exit()).as(resume.toString()).isZero();
        sfn.verify(postRequestedFor(urlEqualTo("/"))
                .withRequestBody(matchingJsonPath(
                        "$.input",
                        equalToJson("{\"resumeRunId\":\"20261125-101500-3fa2c1\",\"allowOlderBuild\":true}"))));
        assertThat(CliRun.of(Map.of(), "start", "--state-machine-arn", STATE_MACHINE, "--action", "repair")
                        .err())
                .contains("--action must be migrate, status or validate, not repair");
    }

    @Test
    void failed_printsTheCauseAndExitsOne() {
        describe(
                "FAILED",
                Map.of(
                        "error",
                        "MigrationsFailed",
                        "cause",
                        "1 failed: tenant xyz-789 (Flyway migration failed: V3__x.sql: …)"));

        CliRun run = CliRun.of(Map.of(), "start", "--state-machine-arn", STATE_MACHINE, "--wait", "--poll", "0.05");

        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("Execution failed: MigrationsFailed: 1 failed: tenant xyz-789");
    }

    @Test
    void stillRunningPastTheTimeout_exitsOneAndSaysWhereToFollowIt() {
        describe("RUNNING", Map.of());

        CliRun run = CliRun.of(
                Map.of(), "start", "--state-machine-arn", STATE_MACHINE, "--wait", "--timeout", "1", "--poll", "0.2");

        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).contains("Execution running");
        assertThat(run.err()).contains("error: still running after 1 s; follow it at " + EXECUTION);
    }

    @Test
    void badArn_isRefusedBeforeAnyCall() {
        CliRun run = CliRun.of(Map.of(), "start", "--state-machine-arn", "helix-migrate-fleet");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err())
                .startsWith(
                        "error: Invalid request: --state-machine-arn is not a state machine ARN: 'helix-migrate-fleet'");
        assertThat(sfn.getAllServeEvents()).isEmpty();
    }

    private static void describe(String status, Map<String, Object> extra) {
        Map<String, Object> body = new java.util.HashMap<>(extra);
        body.putAll(Map.of(
                "executionArn", EXECUTION, "stateMachineArn", STATE_MACHINE, "status", status, "startDate", 1.7e9));
        sfn.stubFor(call("DescribeExecution").willReturn(json(body)));
    }

    private static MappingBuilder call(String operation) {
        return post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AWSStepFunctions." + operation));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(Map<String, Object> body) {
        return aResponse()
                .withStatus(200)
                .withHeader("Content-Type", "application/x-amz-json-1.0")
                .withBody(Json.MAPPER.valueToTree(body).toString());
    }
}
