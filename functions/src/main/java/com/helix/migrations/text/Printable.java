package com.helix.migrations.text;

import java.util.Locale;

/**
 * Text from outside (a registry row's name or id, a request's id, a server's or library's message) as
 * it may be printed or logged. A newline in a tenant's name must not forge a line of a report, nor an
 * ANSI escape reach an operator's terminal: control characters and invisible formatting characters
 * (bidi overrides) are written as {@code \\uXXXX}. Every text output escapes what it did not write itself.
 */
public final class Printable {
    private Printable() {}

    /** The text with control and formatting characters escaped; null stays null. */
    public static String of(String value) {
        if (value == null) {
            return null;
        }
        if (value.codePoints().allMatch(c -> !needsEscape(c))) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length() + 16);
        value.codePoints().forEach(c -> {
            if (needsEscape(c)) {
                out.append(String.format(Locale.ROOT, "\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    private static boolean needsEscape(int c) {
        return Character.isISOControl(c) || Character.getType(c) == Character.FORMAT;
    }
}
