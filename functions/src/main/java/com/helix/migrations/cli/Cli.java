package com.helix.migrations.cli;

import com.helix.migrations.fleet.FleetRun;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

/**
 * What every command is given: the environment it was started with, where to write, and what a signal
 * does to its run.
 */
record Cli(Map<String, String> env, PrintStream out, PrintStream err, Interruption interruption) {
    /**
     * A run this process starts, as the run ledger records it: started by {@code user@host}.
     *
     * @param allowOlderBuild run even when these migrations are older than the last successful run's
     * @param resumes         the run to resume, or null
     */
    FleetRun.Origin origin(boolean allowOlderBuild, String resumes) {
        String user = env.getOrDefault("USER", env.getOrDefault("LOGNAME", System.getProperty("user.name", "unknown")));
        String host = env.get("HOSTNAME");
        if (host == null) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "unknown";
            }
        }
        return new FleetRun.Origin(user + "@" + host, allowOlderBuild, resumes);
    }
}
