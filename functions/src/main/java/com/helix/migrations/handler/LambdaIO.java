package com.helix.migrations.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.exceptions.MigrationsException;
import com.helix.migrations.json.Json;
import com.helix.migrations.target.Ids;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The boundary of every handler: reads the event into its request type (a record that checks itself;
 * Jackson refuses unknown fields and values of the wrong JSON type), runs the handler's work, writes
 * the result, and hands a failure to the caller as type and message only. Every problem with an event
 * becomes one {@code Invalid request: …} line naming the field.
 */
final class LambdaIO {
    private static final Logger LOG = LoggerFactory.getLogger(LambdaIO.class);
    private static final int MAX_EVENT_BYTES = 256 * 1024;

    /** Each request type's fields and their types, as Jackson binds them. */
    private static final ClassValue<Map<String, JavaType>> FIELDS = new ClassValue<>() {
        @Override
        protected Map<String, JavaType> computeValue(Class<?> type) {
            Map<String, JavaType> fields = new TreeMap<>();
            Json.MAPPER.getDeserializationConfig().introspect(Json.MAPPER.constructType(type)).findProperties().stream()
                    // What an event may set: the creator's parameters (a record's accessors are not fields of its
                    // event).
                    .filter(property -> property.hasConstructorParameter() || property.hasSetter())
                    .forEach(property -> fields.put(property.getName(), property.getPrimaryType()));
            return fields;
        }
    };

    private LambdaIO() {}

    /**
     * Every log line of the invocation carries its request id (and whatever the work adds to the
     * {@link MDC}: the database in hand). A failure is logged here, with its error code (an expected one
     * in one line, anything else with its cause chain), then thrown without a stack trace: Lambda reports
     * it as {@code errorType} (the class name Step Functions matches) and {@code errorMessage}, and a
     * stack would only swell every failed item of a fan-out.
     */
    static <T> void handle(
            InputStream input, OutputStream output, Context context, Class<T> eventType, Function<T, ?> work)
            throws IOException {
        MDC.clear();
        if (context != null) {
            MDC.put("requestId", context.getAwsRequestId());
        }
        try {
            Json.MAPPER.writeValue(output, work.apply(read(input, eventType)));
        } catch (MigrationsException e) {
            MDC.put("errorCode", e.code().name());
            if (e.code().expected()) {
                LOG.warn("{}", e.getMessage());
            } else {
                LOG.warn("{}", e.getMessage(), e);
            }
            e.setStackTrace(new StackTraceElement[0]);
            throw e;
        } finally {
            MDC.clear();
        }
    }

    /** The event as its request type; any problem with it is one {@link InvalidRequestException}. */
    static <T> T read(InputStream input, Class<T> eventType) throws IOException {
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
            throw new InvalidRequestException(
                    "event must be a JSON object, not " + (event == null ? "empty" : type(event)));
        }
        Map<String, JavaType> fields = FIELDS.get(eventType);
        // Jackson refuses unknown fields too, but only once the request has checked itself: the typo is the better
        // message.
        for (Iterator<String> names = event.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fields.containsKey(name)) {
                throw new InvalidRequestException("unknown field " + Ids.quote(name) + expected(fields.keySet()));
            }
        }
        try {
            return Json.MAPPER.treeToValue(event, eventType);
        } catch (UnrecognizedPropertyException e) {
            throw new InvalidRequestException(
                    "unknown field " + Ids.quote(field(e)) + expected(e.getKnownPropertyIds()));
        } catch (MismatchedInputException e) {
            throw new InvalidRequestException(mismatch(event, fields, e));
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof MigrationsException refused) {
                throw refused;
            }
            throw new InvalidRequestException(field(e) + " could not be read (" + e.getOriginalMessage() + ")");
        }
    }

    /** {@code id must be a string, not number}: the field, the type it takes, and the JSON type it was given. */
    private static String mismatch(JsonNode event, Map<String, JavaType> fields, MismatchedInputException e) {
        JsonNode given = event.at(pointer(e));
        List<JsonMappingException.Reference> path = e.getPath();
        JavaType declared = path.size() == 1 ? fields.get(path.get(0).getFieldName()) : null;
        String takes;
        if (declared != null && declared.isCollectionLikeType()) {
            takes = "be an array of " + (declared.getContentType().hasRawClass(String.class) ? "strings" : "objects");
        } else if (!path.isEmpty() && path.get(path.size() - 1).getIndex() >= 0) {
            takes = "hold " + describe(e.getTargetType()) + "s";
        } else {
            takes = "be a " + describe(declared != null ? declared.getRawClass() : e.getTargetType());
        }
        return field(e) + " must " + takes + (given.isMissingNode() ? "" : ", not " + type(given));
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "value of another type";
        }
        if (CharSequence.class.isAssignableFrom(type)) {
            return "string";
        }
        return Number.class.isAssignableFrom(type) || type.isPrimitive() ? "whole number" : "object";
    }

    private static String field(JsonMappingException e) {
        return e.getPath().stream()
                .filter(r -> r.getFieldName() != null)
                .map(JsonMappingException.Reference::getFieldName)
                .collect(Collectors.joining("."));
    }

    private static JsonPointer pointer(JsonMappingException e) {
        JsonPointer pointer = JsonPointer.empty();
        for (JsonMappingException.Reference reference : e.getPath()) {
            pointer = reference.getFieldName() != null
                    ? pointer.appendProperty(reference.getFieldName())
                    : pointer.appendIndex(reference.getIndex());
        }
        return pointer;
    }

    private static String expected(Collection<?> known) {
        List<String> names = known == null
                ? List.of()
                : known.stream().map(String::valueOf).sorted().toList();
        return names.isEmpty() ? " (this event takes none)" : " (expected " + String.join(", ", names) + ")";
    }

    private static String type(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
