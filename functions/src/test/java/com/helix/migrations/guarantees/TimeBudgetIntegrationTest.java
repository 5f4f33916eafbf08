package com.helix.migrations.guarantees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.Context;
import com.helix.migrations.exceptions.MigrationFailedException;
import com.helix.migrations.exceptions.OutOfTimeException;
import com.helix.migrations.handler.MigrateDatabaseFunction;
import com.helix.migrations.support.TestFleet;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Needs: the embedded PostgreSQL and the Secrets Manager fake. The MigrateDatabase handler near its
 * Lambda time limit: it starts nothing it cannot finish, and no statement outlives the invocation.
 */
class TimeBudgetIntegrationTest {
    private static TestFleet fleet;

    @BeforeAll
    static void fleet() {
        fleet = TestFleet.empty("time_");
        fleet.builder
                .tenant("late-uk", "Late Ltd", "uk", "active", true)
                .tenant("tight-eu", "Tight GmbH", "eu", "active", true);
        fleet.serveSecrets();
    }

    @AfterAll
    static void drop() {
        fleet.close();
    }

    /** A Lambda context that knows only how much time is left. */
    static Context remaining(long millis) {
        return (Context) Proxy.newProxyInstance(
                Context.class.getClassLoader(),
                new Class<?>[] {Context.class},
                (proxy, method, args) -> method.getName().equals("getRemainingTimeInMillis") ? (int) millis : null);
    }

    static void invoke(MigrateDatabaseFunction function, String event, Context context) throws IOException {
        function.handleRequest(
                new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(), context);
    }

    @Test
    void withTooLittleTimeLeft_nothingIsStarted_andTheRefusalIsRetryable() {
        MigrateDatabaseFunction function = new MigrateDatabaseFunction(fleet.platform());

        assertThatThrownBy(() -> invoke(function, "{\"tier\":\"tenant\",\"id\":\"late-uk\"}", remaining(12_000)))
                .isExactlyInstanceOf(OutOfTimeException.class)
                .hasMessage("Not enough time left: 12 s remain, 30 s are needed to start a database")
                .satisfies(e -> assertThat(((OutOfTimeException) e).retryable()).isTrue());
        assertThat(fleet.history(fleet.builder.tenantDatabase("late-uk"))).isEmpty();
    }

    @Test
    void noStatementRunsPastTheDeadline_lessTheMarginForReporting(@TempDir Path dir) throws IOException {
        Path tenant = Files.createDirectories(dir.resolve("tenant"));
        Files.createDirectories(dir.resolve("central"));
        Files.writeString(tenant.resolve("V1__long_backfill.sql"), "create table t (id int);\nselect pg_sleep(60);\n");
        MigrateDatabaseFunction function = new MigrateDatabaseFunction(fleet.platform(dir));

        // 32 s left: 22 s for any statement, well below the configured 600 s statement_timeout, and the
        // migration's 60 s sleep would have outlived the invocation.
        assertThatThrownBy(() -> invoke(function, "{\"tier\":\"tenant\",\"id\":\"tight-eu\"}", remaining(32_000)))
                .isExactlyInstanceOf(MigrationFailedException.class)
                .hasMessage(
                        "Flyway migration failed: V1__long_backfill.sql: line 2: ERROR: canceling statement due to statement timeout (SQLSTATE 57014)");

        assertThat(fleet.exists(fleet.builder.tenantDatabase("tight-eu"), "t"))
                .as("rolled back")
                .isFalse();
    }
}
