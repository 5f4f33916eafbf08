package com.helix.migrations.schema;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A database's schema as a canonical description read from {@code pg_catalog}: tables, columns (type,
 * nullability, default), indexes (definition, validity), constraints, views, functions, sequences,
 * triggers, enum types and extensions, independent of the order objects were created in and of their
 * OIDs. Two databases built by the same statements have equal fingerprints and the same
 * {@link #hash()}; {@link #diff} says object by object how one differs from another. Objects that belong
 * to an extension, and Flyway's history table, are not part of it.
 */
public final class SchemaFingerprint {
    /**
     * One object: what it is, how it reads in a message, what must match, and how a difference in it
     * is shown (the definition, or for an index its columns and validity).
     */
    record SchemaObject(String kind, String label, String definition, String table, String shown) {}

    /** The objects, by {@code kind name}, in order. */
    private final SortedMap<String, SchemaObject> objects;

    private SchemaFingerprint(SortedMap<String, SchemaObject> objects) {
        this.objects = objects;
    }

    /**
     * Reads the schemas' objects through a connection, in one read-only transaction's worth of queries.
     *
     * @param schemas       the schemas migrations manage (Flyway's {@code schemas}); the first is unqualified in names
     * @param historySchema the schema of Flyway's history table
     * @param historyTable  its name: left out, with its indexes and constraints
     */
    public static SchemaFingerprint read(
            Connection connection, List<String> schemas, String historySchema, String historyTable)
            throws SQLException {
        Reader reader = new Reader(connection, schemas, historySchema, historyTable);
        reader.tablesAndColumns();
        reader.indexes();
        reader.constraints();
        reader.views();
        reader.functions();
        reader.sequences();
        reader.triggers();
        reader.enums();
        reader.extensions();
        return new SchemaFingerprint(reader.objects);
    }

    /** Whether there is nothing in the schemas (an extension such as {@code plpgsql} does not count). */
    public boolean empty() {
        return objects.values().stream().allMatch(o -> o.kind().equals("extension"));
    }

    /** A stable hash of the whole description: equal for equal schemas. */
    public String hash() {
        StringBuilder text = new StringBuilder();
        objects.forEach((key, object) ->
                text.append(key).append('\t').append(object.definition()).append('\n'));
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * How this schema differs from a reference, object by object. An object missing or different here
     * is a {@link Diff#missing() difference}; an object only this schema has is an {@link Diff#extra() extra}.
     * An object inside a missing or extra table is not named again.
     */
    public Diff diff(SchemaFingerprint reference) {
        List<String> missing = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        reference.objects.forEach((key, expected) -> {
            SchemaObject actual = objects.get(key);
            if (actual == null) {
                if (hasTableOf(expected)) {
                    missing.add("missing " + expected.kind() + " " + expected.label());
                }
            } else if (!actual.definition().equals(expected.definition())) {
                missing.add(expected.kind() + " " + expected.label() + ": " + shown(actual, expected));
            }
        });
        objects.forEach((key, actual) -> {
            if (!reference.objects.containsKey(key) && reference.hasTableOf(actual)) {
                extra.add(actual.kind() + " " + actual.label());
            }
        });
        return new Diff(missing, extra);
    }

    /** Whether this schema has the table an object belongs to (true for an object of no table). */
    private boolean hasTableOf(SchemaObject object) {
        return object.table() == null || objects.containsKey("table " + object.table());
    }

    /** What differs, readably: both sides when short, else just that they differ. */
    private static String shown(SchemaObject actual, SchemaObject expected) {
        if (actual.shown().length() + expected.shown().length() > 160) {
            return "its definition differs from the migrations'";
        }
        return actual.shown() + ", expected " + expected.shown();
    }

    /**
     * How a database differs from the schema its migrations produce.
     *
     * @param missing what the reference has that the database lacks or has differently: {@code missing
     *                index audit_events_actor_idx on audit_events (actor_id)}, {@code column users.email:
     *                character varying(200), expected citext}
     * @param extra   what only the database has: {@code table legacy_notes}
     */
    public record Diff(List<String> missing, List<String> extra) {
        public Diff {
            missing = List.copyOf(missing);
            extra = List.copyOf(extra);
        }
    }

    /** The catalog queries, each adding its kind of object. */
    private static final class Reader {
        private final Connection connection;
        private final String[] schemas;
        private final String defaultSchema;
        private final String historySchema;
        private final String historyTable;
        private final SortedMap<String, SchemaObject> objects = new TreeMap<>();

        Reader(Connection connection, List<String> schemas, String historySchema, String historyTable) {
            this.connection = connection;
            this.schemas = schemas.toArray(String[]::new);
            this.defaultSchema = schemas.get(0);
            this.historySchema = historySchema;
            this.historyTable = historyTable;
        }

        /** Not an extension's: a table, view, function, type or sequence an extension created. */
        private static String notFromAnExtension(String oid, String catalog) {
            return " and not exists (select 1 from pg_depend e where e.classid = '" + catalog + "'::regclass"
                    + " and e.objid = " + oid + " and e.deptype = 'e')";
        }

        /** Not Flyway's history table ({@code t} the table's pg_class row, {@code n} its namespace). */
        private static final String NOT_HISTORY = " and not (n.nspname = ? and t.relname = ?)";

        void tablesAndColumns() throws SQLException {
            query("""
                    select n.nspname, t.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                           pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated
                    from pg_class t
                    join pg_namespace n on n.oid = t.relnamespace
                    left join pg_attribute a on a.attrelid = t.oid and a.attnum > 0 and not a.attisdropped
                    left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
                    where n.nspname = any (?) and t.relkind in ('r', 'p')""" + notFromAnExtension("t.oid", "pg_class") + NOT_HISTORY, rs -> {
                String table = name(rs.getString(1), rs.getString(2));
                add("table", table, table, "table", null);
                if (rs.getString(3) != null) {
                    StringBuilder column = new StringBuilder(rs.getString(4));
                    if (rs.getBoolean(5)) {
                        column.append(" not null");
                    }
                    if (rs.getString(6) != null) {
                        column.append(rs.getString(8).isEmpty() ? " default " : " generated always as ")
                                .append(rs.getString(6));
                    }
                    if (!rs.getString(7).isEmpty()) {
                        column.append(rs.getString(7).equals("a") ? " generated always" : " generated by default")
                                .append(" as identity");
                    }
                    String label = table + "." + rs.getString(3);
                    add("column", label, label, column.toString(), table);
                }
            });
        }

        void indexes() throws SQLException {
            query("""
                    select n.nspname, i.relname, t.relname, pg_get_indexdef(x.indexrelid), x.indisvalid
                    from pg_index x
                    join pg_class i on i.oid = x.indexrelid
                    join pg_class t on t.oid = x.indrelid
                    join pg_namespace n on n.oid = t.relnamespace
                    where n.nspname = any (?)""" + notFromAnExtension("t.oid", "pg_class") + NOT_HISTORY, rs -> {
                String table = name(rs.getString(1), rs.getString(3));
                String index = name(rs.getString(1), rs.getString(2));
                String definition = rs.getString(4);
                // CREATE [UNIQUE] INDEX name ON table USING btree (a, b DESC): the part from the method on.
                String method = definition.substring(definition.indexOf(" USING ") + " USING ".length());
                String on = "on " + table + " " + (method.startsWith("btree ") ? method.substring(6) : method);
                String validity = rs.getBoolean(5) ? "" : " (INVALID)";
                add(
                        "index",
                        index,
                        index + " " + on,
                        definition + validity,
                        table,
                        (definition.startsWith("CREATE UNIQUE") ? "unique " : "") + on + validity);
            });
        }

        void constraints() throws SQLException {
            query("""
                    select n.nspname, t.relname, c.conname, pg_get_constraintdef(c.oid)
                    from pg_constraint c
                    join pg_class t on t.oid = c.conrelid
                    join pg_namespace n on n.oid = t.relnamespace
                    where n.nspname = any (?) and c.contype <> 'n'""" + notFromAnExtension("t.oid", "pg_class") + NOT_HISTORY, rs -> {
                String table = name(rs.getString(1), rs.getString(2));
                String label = rs.getString(3) + " on " + table;
                add("constraint", table + "." + rs.getString(3), label, rs.getString(4), table);
            });
        }

        void views() throws SQLException {
            query("""
                    select n.nspname, t.relname, t.relkind, pg_get_viewdef(t.oid, true)
                    from pg_class t
                    join pg_namespace n on n.oid = t.relnamespace
                    where n.nspname = any (?) and t.relkind in ('v', 'm')""" + notFromAnExtension("t.oid", "pg_class") + NOT_HISTORY, rs -> {
                String view = name(rs.getString(1), rs.getString(2));
                String kind = rs.getString(3).equals("m") ? "materialized view" : "view";
                add(kind, view, view, rs.getString(4).strip(), null);
            });
        }

        void functions() throws SQLException {
            query("""
                    select n.nspname, p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
                           case when p.prokind = 'p' then 'procedure' else 'function' end, pg_get_functiondef(p.oid)
                    from pg_proc p
                    join pg_namespace n on n.oid = p.pronamespace
                    where n.nspname = any (?) and p.prokind in ('f', 'p')""" + notFromAnExtension("p.oid", "pg_proc"), rs -> {
                String function = name(rs.getString(1), rs.getString(2));
                add(rs.getString(3), function, function, rs.getString(4).strip(), null);
            });
        }

        void sequences() throws SQLException {
            query("""
                    select n.nspname, t.relname, format_type(s.seqtypid, null), s.seqstart, s.seqincrement,
                           s.seqmin, s.seqmax, s.seqcycle
                    from pg_sequence s
                    join pg_class t on t.oid = s.seqrelid
                    join pg_namespace n on n.oid = t.relnamespace
                    where n.nspname = any (?)""" + notFromAnExtension("t.oid", "pg_class") + NOT_HISTORY, rs -> {
                String sequence = name(rs.getString(1), rs.getString(2));
                add(
                        "sequence",
                        sequence,
                        sequence,
                        rs.getString(3) + " start " + rs.getLong(4) + " increment " + rs.getLong(5)
                                + " min " + rs.getLong(6) + " max " + rs.getLong(7)
                                + (rs.getBoolean(8) ? " cycle" : ""),
                        null);
            });
        }

        void triggers() throws SQLException {
            query("""
                    select n.nspname, t.relname, g.tgname, pg_get_triggerdef(g.oid)
                    from pg_trigger g
                    join pg_class t on t.oid = g.tgrelid
                    join pg_namespace n on n.oid = t.relnamespace
                    where n.nspname = any (?) and not g.tgisinternal""" + notFromAnExtension("t.oid", "pg_class") + NOT_HISTORY, rs -> {
                String table = name(rs.getString(1), rs.getString(2));
                add("trigger", table + "." + rs.getString(3), rs.getString(3) + " on " + table, rs.getString(4), table);
            });
        }

        void enums() throws SQLException {
            query("""
                    select n.nspname, t.typname, string_agg(quote_literal(e.enumlabel), ', ' order by e.enumsortorder)
                    from pg_type t
                    join pg_enum e on e.enumtypid = t.oid
                    join pg_namespace n on n.oid = t.typnamespace
                    where n.nspname = any (?)""" + notFromAnExtension("t.oid", "pg_type") + " group by n.nspname, t.typname", rs -> {
                String type = name(rs.getString(1), rs.getString(2));
                add("enum type", type, type, "(" + rs.getString(3) + ")", null);
            });
        }

        void extensions() throws SQLException {
            try (PreparedStatement statement = connection.prepareStatement("select extname from pg_extension");
                    ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    add("extension", rs.getString(1), rs.getString(1), "extension", null);
                }
            }
        }

        /** A name as messages show it: unqualified in the default schema, {@code schema.name} elsewhere. */
        private String name(String schema, String name) {
            return schema.equals(defaultSchema) ? name : schema + "." + name;
        }

        private void add(String kind, String name, String label, String definition, String table) {
            add(kind, name, label, definition, table, definition);
        }

        private void add(String kind, String name, String label, String definition, String table, String shown) {
            objects.put(kind + " " + name, new SchemaObject(kind, label, definition, table, shown));
        }

        /** Runs a query that takes the schemas (and, where it says so, the history table) as its parameters. */
        private void query(String sql, RowReader rows) throws SQLException {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setArray(1, connection.createArrayOf("text", schemas));
                if (sql.endsWith(NOT_HISTORY)) {
                    statement.setString(2, historySchema);
                    statement.setString(3, historyTable);
                }
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        rows.read(rs);
                    }
                }
            }
        }
    }

    @FunctionalInterface
    private interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    /** The object names and definitions, for tests and reports. */
    Map<String, String> definitions() {
        Map<String, String> definitions = new TreeMap<>();
        objects.forEach((key, object) -> definitions.put(key, object.definition()));
        return definitions;
    }
}
