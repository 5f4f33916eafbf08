package com.helix.migrations.schema;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The statements the fast path leaves to Flyway (a session change, a {@code COPY … FROM STDIN}) are found after
 * any comments, nested ones included, and a script that opens with megabytes of comments is read in one pass.
 */
class FlywayOnlyStatementsTest {
    private static final String MEGABYTES_OF_COMMENTS =
            "-- a comment line that only a parser has to read through\n".repeat(80_000);

    @Test
    void sessionChangesAndCopy_areFlywaysAfterAnyComments() {
        assertThat(MigrationSet.flywayOnly("-- note\n/* a /* nested */ comment */ SET search_path = x"))
                .isTrue();
        assertThat(MigrationSet.flywayOnly("RESET ALL")).isTrue();
        assertThat(MigrationSet.flywayOnly("-- a line comment ended by a carriage return\rSET search_path = x"))
                .isTrue();
        assertThat(MigrationSet.flywayOnly("copy t (a) from stdin")).isTrue();
        assertThat(MigrationSet.flywayOnly("select set_config('x.y', '1', false)"))
                .isTrue();
        assertThat(MigrationSet.flywayOnly("alter table t owner to x; set role admin"))
                .isTrue();
    }

    @Test
    void transactionScopedSettings_andOrdinaryStatements_areNot() {
        assertThat(MigrationSet.flywayOnly("SET LOCAL statement_timeout = '60s'"))
                .isFalse();
        assertThat(MigrationSet.flywayOnly("set constraints all deferred")).isFalse();
        assertThat(MigrationSet.flywayOnly("/* set role x */ create table t (id int)"))
                .as("SET ROLE anywhere is Flyway's, even in a comment: a false alarm costs only speed")
                .isTrue();
        assertThat(MigrationSet.flywayOnly("update t set reset = 1")).isFalse();
    }

    @Test
    void megabytesOfLeadingComments_areSkippedInOnePass() {
        assertThat(MigrationSet.commandStart(MEGABYTES_OF_COMMENTS + "create table t (id int)"))
                .isEqualTo(MEGABYTES_OF_COMMENTS.length());
        assertThat(MigrationSet.flywayOnly(MEGABYTES_OF_COMMENTS + "create table t (id int)"))
                .isFalse();
        assertThat(MigrationSet.flywayOnly(MEGABYTES_OF_COMMENTS + "set search_path = x"))
                .isTrue();
    }
}
