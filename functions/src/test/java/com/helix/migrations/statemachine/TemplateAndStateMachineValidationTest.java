package com.helix.migrations.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.helix.migrations.support.NodeTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Needs: Node 22, asl-validator and AWS's cloudformation-validate (src/test/node). The ASL and the SAM
 * template as AWS would check them, and the seams between them and the code.
 */
class TemplateAndStateMachineValidationTest {
    static final Path TEMPLATE = NodeTools.REPO.resolve("template.yaml");
    static final Path ASL = NodeTools.REPO.resolve("statemachine/migrate-fleet.asl.json");

    @Test
    void aslValidatorAndCloudFormationValidate_acceptTheDefinitionAndTheTemplate() {
        NodeTools.Result result =
                NodeTools.run(Map.of(), Duration.ofMinutes(2), "validate.mjs", TEMPLATE.toString(), ASL.toString());

        JsonNode report = result.json();
        assertThat(report.get("asl"))
                .allSatisfy(asl -> assertThat(asl.get("valid").asBoolean())
                        .as(asl.toString())
                        .isTrue());
        assertThat(report.get("template").get("diagnostics"))
                .noneSatisfy(d -> assertThat(d.get("severity").asText()).isIn("ERROR", "FATAL"));
        assertThat(result.exit()).as(report.toString()).isZero();
    }

    @Test
    void everyPlaceholderInTheDefinition_hasASubstitutionInTheTemplate_andNoneIsUnused() throws IOException {
        Set<String> placeholders = new TreeSet<>();
        Matcher m = Pattern.compile("\\$\\{([A-Za-z0-9_]+)}").matcher(Files.readString(ASL));
        while (m.find()) {
            placeholders.add(m.group(1));
        }
        String template = Files.readString(TEMPLATE);
        Matcher block = Pattern.compile("(?m)^( +)DefinitionSubstitutions:\\n((?:\\1 +.*\\n)+)")
                .matcher(template);
        assertThat(block.find()).as("DefinitionSubstitutions in template.yaml").isTrue();
        Set<String> substitutions = new TreeSet<>();
        Matcher key = Pattern.compile("(?m)^ +([A-Za-z0-9_]+):").matcher(block.group(2));
        while (key.find()) {
            substitutions.add(key.group(1));
        }

        assertThat(placeholders).isNotEmpty().isEqualTo(substitutions);
    }

    @Test
    void everyHandlerInTheTemplate_isAStreamHandlerClassWithANoArgConstructor() throws Exception {
        Matcher m = Pattern.compile("(?m)^ +Handler: ([\\w.]+)::handleRequest$").matcher(Files.readString(TEMPLATE));
        Set<String> handlers = new TreeSet<>();
        while (m.find()) {
            handlers.add(m.group(1));
        }

        assertThat(handlers)
                .containsExactly(
                        "com.helix.migrations.handler.CheckMigrationsFunction",
                        "com.helix.migrations.handler.FinishRunFunction",
                        "com.helix.migrations.handler.ListTargetsFunction",
                        "com.helix.migrations.handler.MigrateDatabaseFunction",
                        "com.helix.migrations.handler.RunEndedFunction",
                        "com.helix.migrations.handler.StartRunFunction",
                        "com.helix.migrations.handler.SummarizeFunction");
        for (String handler : handlers) {
            Class<?> type = Class.forName(handler);
            assertThat(RequestStreamHandler.class).isAssignableFrom(type);
            assertThat(type.getConstructor()).isNotNull();
        }
    }
}
