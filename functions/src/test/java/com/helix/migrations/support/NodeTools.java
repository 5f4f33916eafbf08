package com.helix.migrations.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.helix.migrations.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Node side of the state machine tests, in {@code src/test/node} (installed by {@code npm ci}
 * during the build): Node 22 from npm, aws-local-stepfunctions, asl-validator, cloudformation-validate.
 */
public final class NodeTools {
    public static final Path DIR = Path.of("src", "test", "node").toAbsolutePath();
    public static final Path NODE = DIR.resolve("node_modules/node/bin/node");
    public static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    private NodeTools() {}

    /** Runs a script with Node 22 and returns its one JSON document, with the exit code. */
    public static Result run(Map<String, String> env, Duration timeout, String script, String... args) {
        if (!Files.isExecutable(NODE)) {
            throw new IllegalStateException(
                    "Node 22 is not installed in " + DIR + ": run `npm ci` there (the Maven build does)");
        }
        List<String> command =
                new ArrayList<>(List.of(NODE.toString(), DIR.resolve(script).toString()));
        command.addAll(List.of(args));
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(DIR.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().putAll(env);
            Path stderr = Files.createTempFile("node-", ".err");
            builder.redirectError(stderr.toFile());
            Process process = builder.start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(script + " did not finish in " + timeout.toSeconds() + " s");
            }
            String text = new String(out, StandardCharsets.UTF_8).strip();
            String errors = Files.readString(stderr);
            Files.delete(stderr);
            String last = text.lines().reduce((a, b) -> b).orElse("");
            if (!last.startsWith("{")) {
                throw new IllegalStateException(
                        script + " printed no result (exit " + process.exitValue() + "):\n" + text + "\n" + errors);
            }
            return new Result(process.exitValue(), Json.MAPPER.readTree(last), errors);
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public record Result(int exit, JsonNode json, String stderr) {}
}
