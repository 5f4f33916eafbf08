package com.helix.migrations.handler;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.helix.migrations.core.Action;
import com.helix.migrations.core.MigrationRequest;
import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.json.Json;
import com.helix.migrations.registry.Ids;
import com.helix.migrations.registry.Tier;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Set;

/**
 * Reads events strictly (an unknown field is a typo, not something to ignore) and writes results.
 * Every problem becomes one {@code Invalid request: …} line naming the field.
 */
final class Events {
    private static final int MAX_EVENT_BYTES = 256 * 1024;

    private Events() {
    }

    static MigrationRequest migrationRequest(InputStream input) throws IOException {
        JsonNode event = object(input, Set.of("tier", "id", "action", "targetVersion"));
        String tier = text(event, "tier");
        if (tier == null) {
            throw new InvalidRequestException("tier is required (central, tenant or product)");
        }
        String action = text(event, "action");
        return new MigrationRequest(Tier.parse(tier), text(event, "id"),
                action == null ? null : Action.parse(action), text(event, "targetVersion"));
    }

    static void write(OutputStream output, Object result) throws IOException {
        Json.MAPPER.writeValue(output, result);
    }

    /** The event as a JSON object holding only the given fields. */
    static JsonNode object(InputStream input, Set<String> fields) throws IOException {
        byte[] bytes = input.readNBytes(MAX_EVENT_BYTES + 1);
        if (bytes.length > MAX_EVENT_BYTES) {
            throw new InvalidRequestException("event is larger than " + MAX_EVENT_BYTES + " bytes");
        }
        JsonNode event;
        try {
            event = Json.MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException("event is not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (event == null || !event.isObject()) {
            throw new InvalidRequestException("event must be a JSON object, not " + (event == null ? "empty" : event.getNodeType().name().toLowerCase()));
        }
        for (var names = event.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fields.contains(name)) {
                throw new InvalidRequestException("unknown field " + Ids.quote(name) + " (expected " + String.join(", ", fields.stream().sorted().toList()) + ")");
            }
        }
        return event;
    }

    /** A string field, or null when absent or JSON null; any other type is refused. */
    static String text(JsonNode event, String field) {
        JsonNode node = event.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new InvalidRequestException(field + " must be a string, not " + node.getNodeType().name().toLowerCase());
        }
        return node.asText();
    }
}
