package com.helix.migrations.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.helix.migrations.exceptions.ErrorCode;
import com.helix.migrations.json.Json;

/**
 * An error a Step Functions {@code Catch} recorded for one database ({@code Error}, {@code Cause}),
 * read back as what a failed result carries: its message, exception and code.
 *
 * @param errorType the error's name: a Java exception's fully qualified class name, or
 *                  {@code States.*} / {@code Lambda.*}
 * @param cause     on AWS, the function's error JSON ({@code {"errorMessage", "errorType", …}}); from
 *                  other errors (and local interpreters) {@code Type: message} or plain text
 */
public record CaughtError(String errorType, String cause) {
    /** Longer causes are cut here: a summary keeps many of them. */
    static final int MAX_MESSAGE_CHARS = 1000;

    /** The failure as a fleet summary lists it. */
    public FleetSummary.Failure failure(String tier, String id, String name) {
        return new FleetSummary.Failure(tier, id, name, message(), simpleType(), ErrorCode.ofException(errorType));
    }

    /** The error's message, without the wrapping the Lambda service or the interpreter put around it. */
    String message() {
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
        return message.length() > MAX_MESSAGE_CHARS ? message.substring(0, MAX_MESSAGE_CHARS) + "…" : message;
    }

    /** A Java exception by its simple name; Step Functions' and Lambda's own errors as they are. */
    String simpleType() {
        if (errorType == null || errorType.startsWith("States.") || errorType.startsWith("Lambda.")) {
            return errorType;
        }
        return errorType.substring(errorType.lastIndexOf('.') + 1);
    }
}
