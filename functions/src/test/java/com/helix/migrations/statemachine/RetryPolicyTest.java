package com.helix.migrations.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.helix.migrations.exceptions.ErrorCode;
import com.helix.migrations.json.Json;
import com.helix.migrations.support.NodeTools;
import com.helix.migrations.support.StateMachineRun;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * One retry policy: {@link ErrorCode} says how each failure is retried; every {@code Retry} list of
 * the state machine and the README's error table say exactly the same.
 */
class RetryPolicyTest {
    private static final String OURS = "com.helix.migrations.exceptions.";

    @Test
    void everyRetryList_ofEveryTaskThatCallsOurFunctions_isExactlyErrorCodesPolicy() throws IOException {
        JsonNode definition = Json.MAPPER.readTree(Files.readString(StateMachineRun.DEFINITION));
        Map<String, JsonNode> tasks = new TreeMap<>();
        collectTasks(definition.get("States"), tasks);
        Set<String> withBackoff = exceptions(ErrorCode.Retry.WITH_BACKOFF);
        Set<String> once = exceptions(ErrorCode.Retry.ONCE);

        for (String name : List.of("MigrateCentral", "ListTargets", "MigrateDatabase")) {
            List<Set<String>> retried = new ArrayList<>();
            for (JsonNode retrier : tasks.get(name).path("Retry")) {
                Set<String> ours = new TreeSet<>();
                retrier.get("ErrorEquals").forEach(error -> {
                    if (error.asText().startsWith(OURS)) {
                        ours.add(error.asText());
                    }
                });
                if (ours.equals(once)) {
                    assertThat(retrier.get("MaxAttempts").asInt())
                            .as(name + ": once")
                            .isEqualTo(1);
                }
                if (!ours.isEmpty()) {
                    retried.add(ours);
                }
            }
            assertThat(retried).as(name).containsExactlyInAnyOrder(withBackoff, once);
        }
        for (Map.Entry<String, JsonNode> task : tasks.entrySet()) {
            for (JsonNode retrier : task.getValue().path("Retry")) {
                retrier.get("ErrorEquals")
                        .forEach(error -> assertThat(error.asText())
                                .as(task.getKey() + " retries only what can succeed later")
                                .isNotIn("States.ALL", "States.TaskFailed"));
            }
        }
    }

    @Test
    void theReadmesErrorTable_saysTheSame() throws IOException {
        Matcher rows = Pattern.compile("(?m)^\\| `(\\w+Exception)` \\| `(\\w+)` \\| .* \\| (no|once|with backoff) \\|$")
                .matcher(Files.readString(NodeTools.REPO.resolve("README.md")));
        Map<String, String> documented = new TreeMap<>();
        while (rows.find()) {
            documented.put(rows.group(1), rows.group(2) + " " + rows.group(3));
        }
        Map<String, String> policy = new TreeMap<>();
        for (ErrorCode code : ErrorCode.values()) {
            if (code.exception() != null) {
                policy.put(
                        code.exception().getSimpleName(),
                        code.name() + " "
                                + switch (code.retry()) {
                                    case NEVER -> "no";
                                    case ONCE -> "once";
                                    case WITH_BACKOFF -> "with backoff";
                                });
            }
        }
        assertThat(documented).isEqualTo(policy);
    }

    private static Set<String> exceptions(ErrorCode.Retry retry) {
        return Arrays.stream(ErrorCode.values())
                .filter(code -> code.retry() == retry && code.exception() != null)
                .map(code -> code.exception().getName())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static void collectTasks(JsonNode states, Map<String, JsonNode> tasks) {
        states.fields().forEachRemaining(state -> {
            if ("Task".equals(state.getValue().path("Type").asText())) {
                tasks.put(state.getKey(), state.getValue());
            }
            if (state.getValue().has("ItemProcessor")) {
                collectTasks(state.getValue().get("ItemProcessor").get("States"), tasks);
            }
        });
    }
}
