package com.helix.migrations.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.exceptions.UnknownProductTypeException;
import com.helix.migrations.json.Json;
import com.helix.migrations.support.TestFleet;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Needs: the embedded PostgreSQL (the central registry only: listing opens no tenant database).
 * Pages of active, provisioned targets, servers interleaved, stable across pages.
 */
class ListTargetsFunctionIntegrationTest {
    private static TestFleet fleet;
    private static ListTargetsFunction function;

    @BeforeAll
    static void fleet() {
        fleet = TestFleet.empty("lt_");
        String central = fleet.builder.centralDatabase();
        StringBuilder sql = new StringBuilder();
        for (int i = 1; i <= 9; i++) {
            String id = String.format("t%02d", i);
            String status = i == 5 ? "suspended" : "active";
            sql.append(String.format(
                    "insert into tenants (id, name, jurisdiction, status) values ('%s', 'Tenant %d', '%s', '%s');",
                    id, i, i % 2 == 0 ? "eu" : "uk", status));
            sql.append(String.format(
                    "insert into tenant_databases (tenant_id, host, database_name, secret_id) values ('%s', 'db-%s', 'tenant_%s_shared', 'helix/x/%s');",
                    id, "abc".charAt(i % 3), id, id));
            sql.append(String.format(
                    "insert into tenant_products (id, tenant_id, product_type) values ('%s-kira', '%s', 'kira');",
                    id, id));
            sql.append(String.format(
                    "insert into product_databases (tenant_product_id, host, database_name, secret_id) values ('%s-kira', 'db-k', 'tenant_%s_kira', 'helix/x/%s-kira');",
                    id, id, id));
        }
        sql.append("insert into tenants (id, name, jurisdiction) values ('t10', 'Tenant 10', 'uk');");
        fleet.builder.execute(central, sql.toString());
        fleet.serveSecrets();
        function = new ListTargetsFunction(com.helix.migrations.fleet.TargetPages.of(fleet.platform()));
    }

    @AfterAll
    static void drop() {
        fleet.close();
    }

    static JsonNode invoke(String event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        function.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return Json.MAPPER.readTree(out.toByteArray());
    }

    @Test
    void pages_coverEveryActiveProvisionedTenantOnce_withServersInterleaved() throws IOException {
        List<JsonNode> items = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            JsonNode page = invoke("{\"tier\":\"tenant\",\"pageSize\":3"
                    + (token == null ? "" : ",\"nextToken\":\"" + token + "\"") + "}");
            assertThat(page.get("count").asInt())
                    .isEqualTo(page.get("items").size())
                    .isLessThanOrEqualTo(3);
            page.get("items").forEach(items::add);
            token = page.has("nextToken") ? page.get("nextToken").asText() : null;
            pages++;
        } while (token != null);

        assertThat(pages).isEqualTo(3);
        assertThat(items)
                .extracting(i -> i.get("id").asText())
                .containsExactly("t03", "t01", "t02", "t06", "t04", "t08", "t09", "t07");
        assertThat(items.get(0).get("name").asText()).isEqualTo("Tenant 3");
        assertThat(items.get(0).get("jurisdiction").asText()).isEqualTo("uk");
        assertThat(items.get(0).get("tier").asText()).isEqualTo("tenant");
        String all = items.toString();
        assertThat(all).doesNotContain("db-a").doesNotContain("helix/x").doesNotContain("secret");
    }

    @Test
    void filters_narrowTheListing() throws IOException {
        assertThat(invoke("{\"tier\":\"tenant\",\"jurisdiction\":\"eu\"}").get("items"))
                .extracting(i -> i.get("id").asText())
                .containsExactlyInAnyOrder("t02", "t04", "t06", "t08");
        assertThat(invoke("{\"tier\":\"tenant\",\"ids\":[\"t01\",\"t05\",\"t10\"]}")
                        .get("items"))
                .extracting(i -> i.get("id").asText())
                .as("suspended and unprovisioned stay out even when named")
                .containsExactly("t01");
        assertThat(invoke(
                                "{\"tier\":\"product\",\"productType\":\"kira\",\"tenantIds\":[\"t01\",\"t02\"],\"excludeIds\":[\"t02-kira\"]}")
                        .get("items"))
                .extracting(
                        i -> i.get("id").asText() + "/" + i.get("productType").asText())
                .containsExactly("t01-kira/kira");
    }

    @Test
    void everySampleListTargetsEvent_runs() throws IOException {
        try (var files = Files.list(Path.of("..", "events"))) {
            for (Path event : files.filter(p -> p.getFileName().toString().startsWith("list-targets-"))
                    .toList()) {
                JsonNode page = invoke(Files.readString(event));
                assertThat(page.get("count").asInt()).as(event.toString()).isPositive();
            }
        }
    }

    @Test
    void badRequests_areRefusedWithTheirReason() {
        assertThatThrownBy(() -> invoke("{\"tier\":\"product\",\"productType\":\"nova\"}"))
                .isInstanceOf(UnknownProductTypeException.class)
                .hasMessage("Unknown product type: nova");
        assertThatThrownBy(() -> invoke("{\"tier\":\"tenant\",\"productType\":\"kira\"}"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Invalid request: productType goes with tier product");
        assertThatThrownBy(() -> invoke("{\"tier\":\"tenant\",\"nextToken\":\"not-a-token\"}"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Invalid request: nextToken is not a token this function returned");
        assertThatThrownBy(() -> invoke("{\"tier\":\"tenant\",\"pageSize\":0}"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Invalid request: pageSize must be from 1 to 1000, not 0");
        assertThatThrownBy(() -> invoke("{\"tier\":\"central\"}"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Invalid request: tier must be tenant or product: central is one database, not a list");
        assertThatThrownBy(() -> invoke("{\"tier\":\"tenant\",\"ids\":\"t01\"}"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Invalid request: ids must be an array of strings, not string");
    }
}
