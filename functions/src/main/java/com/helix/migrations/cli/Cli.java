package com.helix.migrations.cli;

import java.io.PrintStream;
import java.util.Map;

/**
 * What every command is given: the environment it was started with, where to write, and what a signal
 * does to its run.
 */
record Cli(Map<String, String> env, PrintStream out, PrintStream err, Interruption interruption) {}
