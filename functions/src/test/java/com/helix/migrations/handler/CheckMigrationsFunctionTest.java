package com.helix.migrations.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.json.Json;
import com.helix.migrations.schema.MigrationSources;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** CheckMigrations with its sample event: every packaged tier read and checked, no database reached. */
class CheckMigrationsFunctionTest {
    private final CheckMigrationsFunction function = new CheckMigrationsFunction(new MigrationSources(null, Map.of()));

    @Test
    void theSampleEvent_checksEveryPackagedTier() throws IOException {
        JsonNode out = invoke(Files.readAllBytes(Path.of("..", "events", "check-migrations.json")));

        assertThat(out.get("sets"))
                .extracting(set ->
                        set.get("folder").asText() + "@" + set.get("latest").asText())
                .containsExactly("central@6", "tenant@5", "product/kira@4", "product/ledger@3");
        assertThat(out.get("sets"))
                .allSatisfy(set -> assertThat(set.get("refused")).isEmpty());
    }

    @Test
    void anEventWithFields_isRefused() {
        assertThatThrownBy(() -> invoke("{\"tier\":\"tenant\"}".getBytes(StandardCharsets.UTF_8)))
                .isExactlyInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("Invalid request: unknown field 'tier'");
    }

    private JsonNode invoke(byte[] event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        function.handleRequest(new ByteArrayInputStream(event), out, null);
        return Json.MAPPER.readTree(out.toByteArray());
    }
}
