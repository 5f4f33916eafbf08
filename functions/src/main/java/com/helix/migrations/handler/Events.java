package com.helix.migrations.handler;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.helix.migrations.core.Action;
import com.helix.migrations.core.MigrationRequest;
import com.helix.migrations.core.MigrationStatus;
import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.exceptions.MigrationsException;
import com.helix.migrations.fleet.FleetSummary;
import com.helix.migrations.fleet.TargetPages;
import com.helix.migrations.json.Json;
import com.helix.migrations.registry.Ids;
import com.helix.migrations.registry.Tier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The boundary of every handler: reads events strictly (an unknown field is a typo, not something to
 * ignore), writes results, and hands failures to the caller as type and message only. Every problem
 * with an event becomes one {@code Invalid request: …} line naming the field.
 */
final class Events {
    private static final Logger LOG = LoggerFactory.getLogger(Events.class);
    private static final int MAX_EVENT_BYTES = 256 * 1024;
    private static final int MAX_IDS = 10_000;
    private static final int MAX_ERROR_CHARS = 1000;

    private Events() {
    }

    /** A parser of one handler's event. */
    interface Parser<T> {
        T parse(JsonNode event);
    }

    /**
     * Parses the event, runs the handler's work and writes its result. A failure is logged here with
     * its whole cause chain, then thrown without a stack trace: Lambda reports it to the caller as
     * {@code errorType} (the class name Step Functions matches) and {@code errorMessage}, and the
     * stack would only swell every failed item of a fan-out.
     */
    static <T> void handle(InputStream input, OutputStream output, Parser<T> parser, Function<T, ?> work) throws IOException {
        try {
            Object result = work.apply(parser.parse(read(input)));
            Json.MAPPER.writeValue(output, result);
        } catch (MigrationsException e) {
            LOG.warn("{}", e.getMessage(), e);
            e.setStackTrace(new StackTraceElement[0]);
            throw e;
        }
    }

    /** Priming for SnapStart: the core's own, then one event parsed and one result written. */
    static void prime(com.helix.migrations.core.DatabaseMigrator migrator) {
        migrator.prime();
        try {
            migrationRequest(Json.MAPPER.readTree("{\"tier\":\"tenant\",\"id\":\"priming\",\"action\":\"status\"}"));
            Json.MAPPER.writeValueAsBytes(new TargetPages.Page(List.of(), 0, null));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** An event that carries nothing: {@code {}}. */
    static Void noFields(JsonNode event) {
        fields(event);
        return null;
    }

    static MigrationRequest migrationRequest(JsonNode event) {
        fields(event, "tier", "id", "action", "targetVersion");
        String tier = text(event, "tier");
        if (tier == null) {
            throw new InvalidRequestException("tier is required (central, tenant or product)");
        }
        String action = text(event, "action");
        return new MigrationRequest(Tier.parse(tier), text(event, "id"),
                action == null ? null : Action.parse(action), text(event, "targetVersion"));
    }

    static TargetPages.Request listTargetsRequest(JsonNode event) {
        fields(event, "tier", "productType", "ids", "excludeIds", "tenantIds", "jurisdiction", "pageSize", "nextToken");
        String tier = text(event, "tier");
        if (tier == null) {
            throw new InvalidRequestException("tier is required (tenant or product)");
        }
        String productType = text(event, "productType");
        String jurisdiction = text(event, "jurisdiction");
        return new TargetPages.Request(Tier.parse(tier), productType == null ? null : Ids.requireProductType(productType),
                ids(event, "ids"), ids(event, "excludeIds"), ids(event, "tenantIds"), jurisdiction,
                integer(event, "pageSize"), text(event, "nextToken"));
    }

    /**
     * @param summary     the running summary, or null on the first page
     * @param results     this page's results, as the state machine's Map returns them
     * @param maxFailures stop once this many failed; null: never
     */
    record SummarizeRequest(FleetSummary summary, List<Result> results, Integer maxFailures) {
    }

    /** One database's result as the state machine's Map returns it. */
    record Result(String tier, String id, String name, MigrationStatus status, String errorType, String cause) {
        void addTo(FleetSummary.Builder builder) {
            if (status == MigrationStatus.FAILED) {
                builder.failed(new FleetSummary.Failure(tier, id, name, errorMessage(errorType, cause), simpleName(errorType)));
            } else {
                builder.succeeded(id, status);
            }
        }
    }

    static SummarizeRequest summarizeRequest(JsonNode event) {
        fields(event, "summary", "results", "maxFailures");
        JsonNode summary = event.get("summary");
        FleetSummary previous = null;
        if (summary != null && !summary.isNull()) {
            try {
                previous = Json.MAPPER.treeToValue(summary, FleetSummary.class);
            } catch (JsonProcessingException e) {
                throw new InvalidRequestException("summary is not a summary this function returned (" + e.getOriginalMessage() + ")");
            }
        }
        JsonNode results = event.get("results");
        if (results == null || !results.isArray()) {
            throw new InvalidRequestException("results must be an array of per-database results");
        }
        List<Result> parsed = new ArrayList<>();
        for (JsonNode result : results) {
            if (!result.isObject()) {
                throw new InvalidRequestException("results must hold objects, not " + result.getNodeType().name().toLowerCase());
            }
            fields(result, "tier", "id", "name", "status", "errorType", "cause");
            String status = text(result, "status");
            MigrationStatus parsedStatus = switch (status == null ? "failed" : status) {
                case "migrated" -> MigrationStatus.MIGRATED;
                case "up_to_date" -> MigrationStatus.UP_TO_DATE;
                case "pending" -> MigrationStatus.PENDING;
                case "failed" -> MigrationStatus.FAILED;
                default -> throw new InvalidRequestException("status must be migrated, up_to_date, pending or failed, not " + Ids.quote(status));
            };
            parsed.add(new Result(text(result, "tier"), text(result, "id"), text(result, "name"), parsedStatus,
                    text(result, "errorType"), text(result, "cause")));
        }
        Integer maxFailures = integer(event, "maxFailures");
        if (maxFailures != null && maxFailures < 1) {
            throw new InvalidRequestException("maxFailures must be at least 1, not " + maxFailures);
        }
        return new SummarizeRequest(previous, parsed, maxFailures);
    }

    /**
     * The message of a caught error. On AWS, a Lambda error's cause is the function's error JSON
     * ({@code {"errorMessage", "errorType", …}}); other errors (and local interpreters) give
     * {@code Type: message} or plain text.
     */
    static String errorMessage(String errorType, String cause) {
        String message = cause == null ? errorType : cause;
        if (cause != null && cause.startsWith("{")) {
            try {
                JsonNode json = Json.MAPPER.readTree(cause);
                if (json.hasNonNull("errorMessage")) {
                    message = json.get("errorMessage").asText();
                }
            } catch (JsonProcessingException e) {
                // not JSON after all: keep the text
            }
        } else if (cause != null && errorType != null && cause.startsWith(errorType + ": ")) {
            message = cause.substring(errorType.length() + 2);
        }
        if (message == null) {
            return "unknown error";
        }
        return message.length() > MAX_ERROR_CHARS ? message.substring(0, MAX_ERROR_CHARS) + "…" : message;
    }

    private static String simpleName(String errorType) {
        if (errorType == null || errorType.startsWith("States.") || errorType.startsWith("Lambda.")) {
            return errorType;
        }
        return errorType.substring(errorType.lastIndexOf('.') + 1);
    }

    private static JsonNode read(InputStream input) throws IOException {
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
        return event;
    }

    /** Refuses any field but the given ones. */
    private static void fields(JsonNode event, String... allowed) {
        Set<String> names = Set.of(allowed);
        for (var it = event.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!names.contains(name)) {
                throw new InvalidRequestException("unknown field " + Ids.quote(name) + (names.isEmpty() ? " (this event takes none)"
                        : " (expected " + String.join(", ", names.stream().sorted().toList()) + ")"));
            }
        }
    }

    /** A string field, or null when absent or JSON null; any other type is refused. */
    private static String text(JsonNode event, String field) {
        JsonNode node = event.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new InvalidRequestException(field + " must be a string, not " + node.getNodeType().name().toLowerCase());
        }
        return node.asText();
    }

    private static Integer integer(JsonNode event, String field) {
        JsonNode node = event.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw new InvalidRequestException(field + " must be a whole number, not " + node.toString().substring(0, Math.min(40, node.toString().length())));
        }
        return node.asInt();
    }

    /** A list of strings; null when absent. Each is checked against the id pattern by TargetQuery. */
    private static List<String> ids(JsonNode event, String field) {
        JsonNode node = event.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            throw new InvalidRequestException(field + " must be an array of ids, not " + node.getNodeType().name().toLowerCase());
        }
        if (node.size() > MAX_IDS) {
            throw new InvalidRequestException(field + " holds more than " + MAX_IDS + " ids");
        }
        List<String> ids = new ArrayList<>();
        for (JsonNode id : node) {
            if (!id.isTextual()) {
                throw new InvalidRequestException(field + " must hold strings, not " + id.getNodeType().name().toLowerCase());
            }
            ids.add(id.asText());
        }
        return ids;
    }
}
