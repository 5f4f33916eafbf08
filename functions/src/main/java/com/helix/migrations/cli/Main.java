package com.helix.migrations.cli;

import com.helix.migrations.exceptions.MigrationsException;
import com.helix.migrations.text.Printable;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;

/**
 * {@code java -jar helix-migrations.jar <command>}. Exit codes: 0 all good; 1 a database failed,
 * {@code status --check} found pending migrations, or something needed was unreachable (worth trying
 * again); 2 bad usage or configuration, said in one line.
 */
public final class Main {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    private Main() {}

    public static void main(String[] args) {
        useCliLogging();
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(args, System.getenv(), out, err, Interruption.install(err)));
    }

    /**
     * Log lines as a person reads them, warnings and errors only, on standard error (log4j2-cli.xml);
     * the Lambda configuration writes Lambda's format. Before anything logs.
     */
    public static void useCliLogging() {
        System.setProperty("log4j2.configurationFile", "log4j2-cli.xml");
    }

    /** Runs one command line with the given environment, in another program's process (no signal handling); returns the exit code. */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        return run(args, env, out, err, Interruption.none());
    }

    private static int run(
            String[] args, Map<String, String> env, PrintStream out, PrintStream err, Interruption interruption) {
        Cli cli = new Cli(env, out, err, interruption);
        CommandLine commandLine = new CommandLine(new HelixCommand(cli))
                .setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true))
                .setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true))
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler((e, arguments) -> {
                    err.println("error: " + Printable.of(e.getMessage()));
                    err.println("Run with --help for usage.");
                    return USAGE;
                })
                .setExecutionExceptionHandler((e, command, parsed) -> {
                    if (e instanceof MigrationsException known) {
                        err.println("error: " + known.getMessage());
                        return known.retryable() ? FAILED : USAGE;
                    }
                    throw e;
                });
        return interruption.exitCode(commandLine.execute(args));
    }
}
