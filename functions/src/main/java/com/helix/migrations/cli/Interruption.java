package com.helix.migrations.cli;

import com.helix.migrations.core.Platform;
import com.helix.migrations.fleet.Stop;
import java.io.PrintStream;
import java.lang.reflect.Proxy;

/**
 * What Ctrl-C (SIGINT) and SIGTERM do to a CLI run. The first stops the run ({@link Stop}): nothing new
 * starts, the statements running are cancelled, so a transactional migration in progress rolls back
 * and its locks are released, and the command prints its report (what finished, what was stopped,
 * what was not started) and exits 130 or 143, as a process ended by the signal would. A second signal
 * exits at once.
 */
final class Interruption {
    private final PrintStream err;
    private volatile Stop stop;
    private volatile String signal;
    private volatile int exitCode;

    private Interruption(PrintStream err) {
        this.err = err;
    }

    /** No signal handling: a command run in another program's process (the tests). */
    static Interruption none() {
        return new Interruption(System.err);
    }

    /** Handles SIGINT and SIGTERM for the rest of the process. */
    static Interruption install(PrintStream err) {
        Interruption interruption = new Interruption(err);
        on("INT", 2, interruption);
        on("TERM", 15, interruption);
        return interruption;
    }

    /** The stop a command's run is given; a signal that came before it stops the run before anything starts. */
    Stop stopFor(Platform platform) {
        Stop created = new Stop(platform.connections());
        stop = created;
        if (signal != null) {
            created.request(signal);
        }
        return created;
    }

    /** What stopped the run ({@code SIGINT}), or null. */
    String signal() {
        return signal;
    }

    /** The command's exit code, unless a signal stopped it: then 128 + the signal's number. */
    int exitCode(int commandExitCode) {
        return signal == null ? commandExitCode : exitCode;
    }

    private synchronized void firstOrHalt(String name, int number) {
        if (signal != null) {
            err.println("error: " + name + " again: exiting at once");
            Runtime.getRuntime().halt(128 + number);
        }
        signal = name;
        exitCode = 128 + number;
        err.println(name + ": starting nothing new and stopping the databases in progress (" + name
                + " again exits at once)");
    }

    private void handle(String name, int number) {
        firstOrHalt(name, number);
        Stop current = stop;
        if (current != null) {
            current.request(name);
        }
    }

    /**
     * The JDK's signal handling ({@code sun.misc.Signal}, in module {@code jdk.unsupported}), reached
     * reflectively: javac warns on any direct use of it, and the build allows no warnings. Each signal
     * is handled on a thread of its own. Where it is missing, the JVM's default (exit at once) stays.
     */
    @SuppressWarnings("ReferenceEquality") // a handler equals itself only
    private static void on(String name, int number, Interruption interruption) {
        try {
            Class<?> signalType = Class.forName("sun.misc.Signal");
            Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            Object handler = Proxy.newProxyInstance(
                    Interruption.class.getClassLoader(), new Class<?>[] {handlerType}, (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "handle" -> interruption.handle("SIG" + name, number);
                            case "equals" -> {
                                return proxy == args[0];
                            }
                            case "hashCode" -> {
                                return System.identityHashCode(proxy);
                            }
                            default -> {
                                return "SIG" + name + " handler";
                            }
                        }
                        return null;
                    });
            signalType
                    .getMethod("handle", signalType, handlerType)
                    .invoke(null, signalType.getConstructor(String.class).newInstance(name), handler);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // No signal handling on this JVM: the default stays.
        }
    }
}
