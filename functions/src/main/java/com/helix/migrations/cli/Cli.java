package com.helix.migrations.cli;

import java.io.PrintStream;
import java.util.Map;

/** What every command is given: the environment it was started with and where to write. */
record Cli(Map<String, String> env, PrintStream out, PrintStream err) {}
