package com.helix.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages' layers, lowest first: a class uses its own package and lower layers only, so no
 * dependency runs upward (and none sideways within a layer). Handlers stay a few lines.
 */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src", "main", "java", "com", "helix", "migrations");
    private static final Map<String, Integer> LAYERS = Map.ofEntries(
            Map.entry("text", 0),
            Map.entry("exceptions", 1),
            Map.entry("json", 1),
            Map.entry("target", 2),
            Map.entry("config", 3),
            Map.entry("credentials", 4),
            Map.entry("db", 5),
            Map.entry("registry", 6),
            Map.entry("schema", 6),
            Map.entry("ledger", 7),
            Map.entry("core", 8),
            Map.entry("fleet", 9),
            Map.entry("handler", 10),
            Map.entry("cli", 10),
            Map.entry("demo", 11));
    private static final Pattern USE = Pattern.compile("com\\.helix\\.migrations\\.(\\w+)\\.");

    @Test
    void noPackageUsesAHigherOneOrASibling() throws IOException {
        List<String> upward = new ArrayList<>();
        for (Path file : sources()) {
            String from = MAIN.relativize(file).getName(0).toString();
            assertThat(LAYERS).as("every package has a layer").containsKey(from);
            Matcher use = USE.matcher(Files.readString(file).replaceFirst("package [^;]+;", ""));
            while (use.find()) {
                String to = use.group(1);
                if (!to.equals(from) && LAYERS.getOrDefault(to, Integer.MAX_VALUE) >= LAYERS.get(from)) {
                    upward.add(MAIN.relativize(file) + " uses " + to);
                }
            }
        }
        assertThat(upward).isEmpty();
    }

    @Test
    void handlersAreAFewLines() throws IOException {
        for (Path file : sources()) {
            if (file.getFileName().toString().endsWith("Function.java")) {
                assertThat(Files.readAllLines(file)).as(file.toString()).hasSizeLessThanOrEqualTo(65);
            }
        }
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            return files.filter(f -> f.toString().endsWith(".java")).toList();
        }
    }
}
