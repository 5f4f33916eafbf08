package com.helix.migrations.bench;

import com.helix.migrations.handler.MigrateDatabaseFunction;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One MigrateDatabase invocation in a fresh JVM, as a cold Lambda container runs it: the no-arg
 * constructor (configuration from the environment), then one event. Prints the result.
 */
public final class InvokeHandler {
    private InvokeHandler() {
    }

    public static void main(String[] args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new MigrateDatabaseFunction().handleRequest(new ByteArrayInputStream(args[0].getBytes(StandardCharsets.UTF_8)), out, null);
        System.out.println(out.toString(StandardCharsets.UTF_8));
    }
}
