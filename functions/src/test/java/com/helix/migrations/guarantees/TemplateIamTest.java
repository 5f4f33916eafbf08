package com.helix.migrations.guarantees;

import static org.assertj.core.api.Assertions.assertThat;

import com.helix.migrations.support.NodeTools;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The template's IAM: no wildcard where AWS allows a narrower grant, secrets scoped to the prefix. */
class TemplateIamTest {

    /** One hand-written policy statement of template.yaml: its Sid, actions and resource. */
    record Grant(String sid, List<String> actions, String resource) {}

    static List<Grant> grants() throws IOException {
        String template = Files.readString(NodeTools.REPO.resolve("template.yaml"));
        // A statement's fields sit two spaces deeper than its "- Sid" line.
        Matcher statement =
                Pattern.compile("(?m)^( *)- Sid: (\\w+)\\n((?:\\1  .*\\n)+)").matcher(template);
        List<Grant> grants = new ArrayList<>();
        while (statement.find()) {
            String body = statement.group(3);
            List<String> actions = new ArrayList<>();
            Matcher single = Pattern.compile("(?m)^ *Action: (\\S+)$").matcher(body);
            while (single.find()) {
                actions.add(single.group(1));
            }
            Matcher list = Pattern.compile("(?m)^ *- ([a-z]+:\\w+|'\\*'|\\*)$").matcher(body);
            while (list.find()) {
                actions.add(list.group(1));
            }
            Matcher resource = Pattern.compile("(?m)^ *Resource: (.+)$").matcher(body);
            grants.add(new Grant(
                    statement.group(2),
                    actions,
                    resource.find() ? resource.group(1).trim() : null));
        }
        return grants;
    }

    @Test
    void noActionIsAWildcard_andOnlyLogDeliveryHasAWildcardResource() throws IOException {
        List<Grant> grants = grants();

        assertThat(grants)
                .extracting(Grant::sid)
                .contains(
                        "ReadDatabaseSecretsInAnyJurisdiction",
                        "ReadTheCentralDatabaseSecret",
                        "RunDistributedMapChildExecutions",
                        "FollowDistributedMapChildExecutions",
                        "DeliverExecutionLogs");
        for (Grant grant : grants) {
            assertThat(grant.actions()).as(grant.sid()).isNotEmpty().noneMatch(a -> a.contains("*"));
            if (!grant.sid().equals("DeliverExecutionLogs")) {
                assertThat(grant.resource())
                        .as(grant.sid())
                        .isNotEqualTo("'*'")
                        .isNotEqualTo("\"*\"")
                        .startsWith("!Sub arn:${AWS::Partition}:");
            }
        }
        assertThat(grants.stream()
                        .filter(g -> g.sid().equals("DeliverExecutionLogs"))
                        .findFirst()
                        .orElseThrow()
                        .actions())
                .allMatch(a -> a.startsWith("logs:")
                        && (a.contains("LogDeliver")
                                || a.contains("ResourcePolic")
                                || a.equals("logs:DescribeLogGroups")));
    }

    @Test
    void secretAccess_isScopedToTheConfiguredPrefixOrTheCentralSecret() throws IOException {
        for (Grant grant : grants()) {
            if (grant.actions().contains("secretsmanager:GetSecretValue")) {
                assertThat(grant.actions()).containsExactly("secretsmanager:GetSecretValue");
                assertThat(grant.resource())
                        .as(grant.sid())
                        .matches(".*:secret:\\$\\{(SecretNamePrefix}\\*|CentralDbSecretId}-\\?{6})$");
            }
        }
        assertThat(Files.readString(NodeTools.REPO.resolve("template.yaml")))
                .as("the central secret must lie under the prefix, so the functions' grant covers it")
                .contains("It must start with SecretNamePrefix");
    }
}
