package com.helix.migrations.schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Locale;

/**
 * Whether a database can be adopted at a version: what the preflight found, before anything is written.
 *
 * @param version     the version it would be baselined at
 * @param verdict     what the preflight decided
 * @param fingerprint the hash of the database's schema ({@link SchemaFingerprint#hash()}); null when it has none to read
 * @param differences what the migrations' schema at the version has that the database lacks or has
 *                    differently (each refuses it): {@code missing index audit_events_actor_idx on audit_events (actor_id)}
 * @param extras      what only the database has (listed, never refusing): {@code table legacy_notes}
 */
public record BaselineVerdict(
        String version,
        Verdict verdict,
        String fingerprint,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> differences,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> extras) {

    public BaselineVerdict {
        differences = List.copyOf(differences);
        extras = List.copyOf(extras);
    }

    /** What the preflight decided. */
    public enum Verdict {
        /** The schema is the migrations' at the version (objects only the database has aside): it may be baselined. */
        ADOPTABLE,
        /** Not compared ({@code force}): it may be baselined, on trust. */
        FORCED,
        /** Nothing in the schema: nothing to adopt, migrate applies every migration. */
        EMPTY,
        /** It already has a history table: it is managed already, nothing to adopt. */
        MANAGED,
        /** It lacks, or has differently, something the migrations' schema has at the version. */
        DRIFTED;

        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Whether a baseline may be written. */
        public boolean adoptable() {
            return this == ADOPTABLE || this == FORCED;
        }

        /** Whether the database is refused (rather than adoptable or having nothing to adopt). */
        public boolean refused() {
            return this == MANAGED || this == DRIFTED;
        }
    }

    /** The verdict in a few words, for a line: {@code baseline at 5: adoptable}, {@code baseline at 5 refused: missing …}. */
    public String summary() {
        return switch (verdict) {
            case ADOPTABLE ->
                "baseline at " + version + ": adoptable"
                        + (extras.isEmpty() ? "" : " (not in the migrations: " + shown(extras) + ")");
            case FORCED -> "baseline at " + version + ": forced, not compared";
            case EMPTY -> "baseline: nothing to adopt (empty; migrate applies every migration)";
            case MANAGED, DRIFTED -> "baseline refused: " + refusal();
        };
    }

    /** Why it is refused, in one line: the first differences, then how many more. */
    public String refusal() {
        return switch (verdict) {
            case MANAGED -> "it already has a history table: it is managed already, nothing to adopt";
            case DRIFTED -> "at " + version + ": " + shown(differences);
            default -> null;
        };
    }

    /** The first few of a list, then how many more. */
    static String shown(List<String> items) {
        int shown = Math.min(items.size(), 10);
        String first = String.join("; ", items.subList(0, shown));
        return items.size() > shown ? first + "; and " + (items.size() - shown) + " more" : first;
    }
}
