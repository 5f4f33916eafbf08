package com.helix.migrations.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.helix.migrations.support.TestFleet;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Needs: the embedded PostgreSQL. The same objects created in another order (and so with other OIDs)
 * have the same fingerprint and hash; each kind of difference reads as one line naming the object.
 */
class SchemaFingerprintIntegrationTest {
    private static final String SCHEMA = """
            create extension if not exists citext;
            create type mood as enum ('calm', 'busy');
            create sequence ticket_numbers start 100 increment 5;
            create table accounts (id bigint generated always as identity primary key, email citext not null unique,
                                   mood mood not null default 'calm', created_at timestamptz default now());
            create table notes (id int primary key, account_id bigint references accounts (id), body text
                                check (length(body) < 1000));
            create index notes_account_idx on notes (account_id) where body is not null;
            create view account_notes as select a.email, n.body from accounts a join notes n on n.account_id = a.id;
            create function touch() returns trigger language plpgsql as $$ begin return new; end $$;
            create trigger notes_touch before update on notes for each row execute function touch();
            """;

    private static final String SAME_IN_ANOTHER_ORDER = """
            create function touch() returns trigger language plpgsql as $$ begin return new; end $$;
            create sequence ticket_numbers start 100 increment 5;
            create extension if not exists citext;
            create type mood as enum ('calm', 'busy');
            create table notes (id int primary key, account_id bigint, body text check (length(body) < 1000));
            create table accounts (id bigint generated always as identity primary key, email citext not null unique,
                                   mood mood not null default 'calm', created_at timestamptz default now());
            alter table notes add constraint notes_account_id_fkey foreign key (account_id) references accounts (id);
            create trigger notes_touch before update on notes for each row execute function touch();
            create view account_notes as select a.email, n.body from accounts a join notes n on n.account_id = a.id;
            create index notes_account_idx on notes (account_id) where body is not null;
            """;

    private static TestFleet fleet;

    @BeforeAll
    static void fleet() {
        fleet = TestFleet.empty("print_");
        fleet.builder
                .tenant("first-uk", "First", "uk", "active", true)
                .tenant("second-uk", "Second", "uk", "active", true)
                .tenant("changed-uk", "Changed", "uk", "active", true);
        fleet.builder.execute(db("first-uk"), SCHEMA);
        fleet.builder.execute(db("second-uk"), SAME_IN_ANOTHER_ORDER);
        fleet.builder.execute(db("changed-uk"), SCHEMA + """
                alter type mood add value 'away';
                alter table accounts alter column created_at set default clock_timestamp();
                drop index notes_account_idx;
                create index notes_account_idx on notes (account_id);
                create or replace view account_notes as select a.email, n.body, n.id from accounts a
                    join notes n on n.account_id = a.id;
                alter sequence ticket_numbers increment 10;
                drop trigger notes_touch on notes;
                alter table notes drop constraint notes_body_check;
                create table extra (id int);
                """);
    }

    @AfterAll
    static void drop() {
        fleet.close();
    }

    @Test
    void theSameObjectsInAnotherOrder_haveTheSameFingerprint() throws SQLException {
        SchemaFingerprint first = read("first-uk");
        SchemaFingerprint second = read("second-uk");

        assertThat(second.hash()).isEqualTo(first.hash());
        assertThat(second.diff(first).missing()).isEmpty();
        assertThat(second.diff(first).extra()).isEmpty();
        assertThat(first.definitions())
                .as("every kind of object, and none an extension owns")
                .containsKeys(
                        "table accounts",
                        "column accounts.email",
                        "index notes_account_idx",
                        "constraint notes.notes_body_check",
                        "view account_notes",
                        "function touch()",
                        "sequence ticket_numbers",
                        "trigger notes.notes_touch",
                        "enum type mood",
                        "extension citext")
                .doesNotContainKey("function citext(character)");
        assertThat(first.definitions().get("column accounts.id"))
                .isEqualTo("bigint not null generated always as identity");
    }

    @Test
    void eachDifference_isOneLineNamingTheObject() throws SQLException {
        SchemaFingerprint.Diff diff = read("changed-uk").diff(read("first-uk"));

        assertThat(diff.missing())
                .containsExactlyInAnyOrder(
                        "column accounts.created_at: timestamp with time zone default clock_timestamp(), expected"
                                + " timestamp with time zone default now()",
                        "missing constraint notes_body_check on notes",
                        "enum type mood: ('calm', 'busy', 'away'), expected ('calm', 'busy')",
                        "index notes_account_idx on notes (account_id) WHERE (body IS NOT NULL): on notes (account_id),"
                                + " expected on notes (account_id) WHERE (body IS NOT NULL)",
                        "missing trigger notes_touch on notes",
                        "sequence ticket_numbers: bigint start 100 increment 10 min 1 max 9223372036854775807, expected"
                                + " bigint start 100 increment 5 min 1 max 9223372036854775807",
                        "view account_notes: its definition differs from the migrations'");
        assertThat(diff.extra()).containsExactly("table extra");
    }

    private static SchemaFingerprint read(String tenant) throws SQLException {
        try (Connection connection = fleet.server.admin(db(tenant))) {
            return SchemaFingerprint.read(connection, List.of("public"), "public", "flyway_schema_history");
        }
    }

    private static String db(String tenant) {
        return fleet.builder.tenantDatabase(tenant);
    }
}
