package com.helix.migrations.schema;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Statements that open or close a transaction, as psql users write them at the top level of a script
 * ({@code BEGIN; … COMMIT;}). A transactional migration runs in the transaction Flyway opened for it,
 * so such statements would commit part of it early; this tells them apart from everything else.
 */
enum TransactionControl {
    /** {@code BEGIN}, {@code BEGIN WORK}, {@code START TRANSACTION …}. */
    OPEN,
    /** {@code COMMIT}, {@code END}, with or without {@code WORK}/{@code TRANSACTION}. */
    COMMIT,
    /** {@code ROLLBACK}, {@code ABORT}, {@code PREPARE TRANSACTION}: ends the transaction some other way. */
    ROLLBACK;

    private static final Pattern COMMENTS = Pattern.compile("(?s)/\\*.*?\\*/|--[^\\n]*");
    private static final Pattern OPENING = Pattern.compile("(BEGIN( WORK| TRANSACTION)?|START TRANSACTION)( .*)?");
    private static final Pattern COMMITTING = Pattern.compile("(COMMIT|END)( WORK| TRANSACTION)?( AND NO CHAIN)?");
    private static final Pattern ROLLING_BACK = Pattern.compile(
            "(ROLLBACK|ABORT)( WORK| TRANSACTION)?( AND NO CHAIN)?|PREPARE TRANSACTION .*|COMMIT .*CHAIN|ROLLBACK .*CHAIN");

    /** What this statement does to the transaction, or null when it is an ordinary statement. */
    static TransactionControl of(String sql) {
        String statement = normalised(sql);
        if (OPENING.matcher(statement).matches()) {
            return OPEN;
        }
        if (COMMITTING.matcher(statement).matches()) {
            return COMMIT;
        }
        if (ROLLING_BACK.matcher(statement).matches()) {
            return ROLLBACK;
        }
        return null;
    }

    /** The statement's first word, as written in messages: {@code COMMIT}, {@code END}. */
    static String keyword(String sql) {
        String statement = normalised(sql);
        int space = statement.indexOf(' ');
        return space < 0 ? statement : statement.substring(0, space);
    }

    private static String normalised(String sql) {
        String statement =
                COMMENTS.matcher(sql).replaceAll(" ").replaceAll("\\s+", " ").trim();
        if (statement.endsWith(";")) {
            statement = statement.substring(0, statement.length() - 1).trim();
        }
        return statement.toUpperCase(Locale.ROOT);
    }
}
