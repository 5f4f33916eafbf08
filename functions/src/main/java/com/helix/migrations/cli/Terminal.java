package com.helix.migrations.cli;

import java.io.Console;
import java.lang.reflect.Method;

/** Whether standard output is a terminal a person is watching (not a CI log). */
final class Terminal {
    private Terminal() {}

    // On Java 21 (the Lambda runtime's) System.console() is null without a terminal; 22+ needs isTerminal().
    @SuppressWarnings("SystemConsoleNull")
    static boolean interactive(java.util.Map<String, String> env) {
        Console console = System.console();
        if (console == null || env.containsKey("CI")) {
            return false;
        }
        try {
            // Java 22+ returns a console even when output is redirected; isTerminal() tells.
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // Java 21: a console is only returned for a terminal
        }
    }
}
