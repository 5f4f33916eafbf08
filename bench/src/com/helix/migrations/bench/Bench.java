package com.helix.migrations.bench;

import com.helix.migrations.config.MigrationsConfig;
import com.helix.migrations.core.Action;
import com.helix.migrations.core.BaselineOptions;
import com.helix.migrations.core.Platform;
import com.helix.migrations.demo.DatabaseServer;
import com.helix.migrations.demo.EmbeddedDemoServer;
import com.helix.migrations.demo.FleetBuilder;
import com.helix.migrations.target.Tier;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The fleet benchmark: this project's CLI against the floor (psql) and the Flyway command-line tool,
 * then the no-op check, cold start and memory. Run by bench/run; prints Markdown tables.
 *
 * <p>Arguments: {@code --tenants N} (default 200), {@code --noop-tenants N} (default 1000),
 * {@code --concurrency 1,5,10}, {@code --skip-flyway-cli}, {@code --server-tenants N} (default 40),
 * {@code --latency-tenants N} (default 20), {@code --delay-ms D} (default 0.5, each way), {@code --fast-apply-only}
 * (section 6 alone).
 */
public final class Bench {
    static final String PASSWORD = "bench-password-not-secret";
    static final String USER = "helix_app";
    static final Path ROOT = Path.of("").toAbsolutePath();
    static final Path JAR = ROOT.resolve("functions/target/helix-migrations.jar");
    static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    /** Extra JVM options for the CLI runs only, e.g. a flight recording: {@code BENCH_CLI_JAVA_OPTIONS}. */
    static final List<String> CLI_JAVA_OPTIONS = words(System.getenv().getOrDefault("BENCH_CLI_JAVA_OPTIONS", ""));

    private final DatabaseServer server;
    private final Path work;
    private final Path migrations;
    private final Path secrets;
    private final FleetBuilder fleet;
    private final List<String> tenantIds = new ArrayList<>();

    Bench(DatabaseServer server, Path work) throws IOException {
        this.server = server;
        this.work = work;
        this.migrations = Migrations.write(work.resolve("migrations"), ROOT.resolve("migrations/central"));
        this.fleet = new FleetBuilder(server, "bench_");
        fleet.createCentral();
        this.secrets = work.resolve("secrets.json");
        fleet.writeSecretsFile(secrets);
        Platform platform = Platform.fromConfig(MigrationsConfig.fromEnvironment(env()));
        platform.migrator()
                .run(platform.registry().find(Tier.CENTRAL, null), Action.MIGRATE, null, BaselineOptions.CHECKED, null);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        int tenants = Integer.parseInt(options.getOrDefault("--tenants", "200"));
        int noopTenants = Integer.parseInt(options.getOrDefault("--noop-tenants", "1000"));
        int[] concurrencies = Arrays.stream(options.getOrDefault("--concurrency", "1,5,10").split(",")).mapToInt(Integer::parseInt).toArray();
        boolean flywayCli = !options.containsKey("--skip-flyway-cli");

        Path work = Files.createTempDirectory("helix-bench-");
        try (EmbeddedDemoServer postgres = EmbeddedDemoServer.start(USER, PASSWORD)) {
            Bench bench = new Bench(postgres.server(), work);
            System.out.printf("# helix-migrations benchmark%n%n%s; %d cores; %s %s; PostgreSQL embedded (zonky, 17); %d tenant migrations%n%n",
                    machine(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                    System.getProperty("java.version"), Migrations.COUNT);
            int latencyTenants = Integer.parseInt(options.getOrDefault("--latency-tenants", "20"));
            bench.addTenants(Math.max(Math.max(tenants, noopTenants), latencyTenants));
            if (!options.containsKey("--fast-apply-only")) {
                bench.fleetMigrate(tenants, concurrencies, flywayCli);
                bench.noOpAndMemory(noopTenants);
                bench.coldStart();
            }
            bench.fastApply(latencyTenants, Double.parseDouble(options.getOrDefault("--delay-ms", "0.5")));
            if (!options.containsKey("--fast-apply-only")) {
                // Last: its set has one more migration, and a run of an older build than the last one is refused.
                bench.perServer(Integer.parseInt(options.getOrDefault("--server-tenants", "40")));
            }
        }
    }

    /** 1. N databases from empty to latest, by each tool, at each concurrency. */
    void fleetMigrate(int count, int[] concurrencies, boolean flywayCli) throws Exception {
        List<String> dbs = tenantIds.subList(0, count).stream().map(fleet::tenantDatabase).toList();
        System.out.printf("## Fleet migrate: %d tenant databases, empty to V%d%n%n", count, Migrations.COUNT);
        System.out.println("| concurrency | helix CLI (a) | psql floor (b) | Flyway CLI per database (c) | a/b | a/c | helix databases/s |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (int concurrency : concurrencies) {
            reset(dbs);
            double a = seconds(() -> cli("tenants", "--concurrency", String.valueOf(concurrency), "--ids", String.join(",", tenantIds.subList(0, count))));
            reset(dbs);
            double b = seconds(() -> psql(dbs, concurrency));
            double c = Double.NaN;
            if (flywayCli) {
                reset(dbs);
                c = seconds(() -> flywayCli(dbs, concurrency));
            }
            System.out.printf(Locale.ROOT, "| %d | %.1f s | %.1f s | %s | %.2f | %s | %.1f |%n", concurrency, a, b,
                    Double.isNaN(c) ? "skipped" : String.format(Locale.ROOT, "%.1f s", c), a / b,
                    Double.isNaN(c) ? "–" : String.format(Locale.ROOT, "%.2f", a / c), count / a);
        }
        System.out.println();
    }

    /** 2 and 4. Peak memory of the CLI migrating M databases at concurrency 10, then the no-op check on them. */
    void noOpAndMemory(int count) throws Exception {
        List<String> ids = tenantIds.subList(0, count);
        reset(ids.stream().map(fleet::tenantDatabase).toList());
        String idList = String.join(",", ids);
        long[] rss = new long[1];
        double migrate = seconds(() -> rss[0] = cliPeakRssKb("tenants", "--concurrency", "10", "--ids", idList));
        double status = seconds(() -> cli("status", "--tier", "tenant", "--concurrency", "10"));
        double again = seconds(() -> cli("tenants", "--concurrency", "10", "--ids", idList));
        System.out.printf("## No-op check and memory: %d tenant databases, concurrency 10%n%n", count);
        System.out.println("| measure | result |");
        System.out.println("|---|---|");
        System.out.printf(Locale.ROOT, "| migrate all, empty to V%d | %.1f s (%.1f ms per database) |%n", Migrations.COUNT, migrate, migrate * 1000 / count);
        System.out.printf(Locale.ROOT, "| peak RSS of that CLI run | %d MB |%n", rss[0] / 1024);
        System.out.printf(Locale.ROOT, "| `status` (nothing pending) | %.1f s (%.1f ms per database) |%n", status, status * 1000 / count);
        System.out.printf(Locale.ROOT, "| second `tenants` (nothing to apply) | %.1f s (%.1f ms per database) |%n%n", again, again * 1000 / count);
    }

    /** 3. One handler invocation in a fresh JVM, median of 5, for an up-to-date and an empty database. */
    void coldStart() throws Exception {
        String id = tenantIds.get(0);
        String db = fleet.tenantDatabase(id);
        String event = "{\"tier\":\"tenant\",\"id\":\"" + id + "\"}";
        List<Double> upToDate = new ArrayList<>();
        List<Double> empty = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            reset(List.of(db));
            empty.add(seconds(() -> handler(event)));
            upToDate.add(seconds(() -> handler(event)));
        }
        System.out.println("## Cold start: one MigrateDatabase invocation in a fresh JVM (process wall time, median of 5)");
        System.out.println();
        System.out.println("| case | median | runs |");
        System.out.println("|---|---|---|");
        System.out.printf(Locale.ROOT, "| up-to-date database | %.2f s | %s |%n", median(upToDate), runs(upToDate));
        System.out.printf(Locale.ROOT, "| all %d migrations pending | %.2f s | %s |%n", Migrations.COUNT, median(empty), runs(empty));
        System.out.printf(Locale.ROOT, "| jar size | %.1f MB | |%n%n", Files.size(JAR) / 1024.0 / 1024.0);
    }

    /**
     * 5. Two database servers, one slow (each migration there sleeps 0.5 s more), the same number of tenants on
     * each, at 8 at once and at most 4 per server: when each server's last database finished, from the ledger.
     */
    void perServer(int perServerTenants) throws Exception {
        Path twoServers = work.resolve("two-servers");
        Migrations.write(twoServers, ROOT.resolve("migrations/central"));
        // One more migration, slow where the database says so.
        Files.writeString(
                twoServers.resolve("tenant/V" + (Migrations.COUNT + 1) + "__server_speed.sql"),
                "select pg_sleep(coalesce(nullif(current_setting('helix.sleep', true), ''), '0')::float);\n");
        Map<String, Map<String, Object>> allSecrets = new HashMap<>(fleet.secrets());
        List<String> ids = new ArrayList<>(tenantIds.subList(0, perServerTenants));
        try (EmbeddedDemoServer slowServer = EmbeddedDemoServer.start(USER, PASSWORD)) {
            DatabaseServer slow = slowServer.server();
            try (Connection c = slow.admin("postgres"); Statement s = c.createStatement()) {
                for (int i = 0; i < perServerTenants; i++) {
                    String id = String.format("slow%05d", i);
                    String db = "bench_slow_" + i;
                    s.execute("create database " + db + " owner " + USER);
                    s.execute("alter database " + db + " set helix.sleep = '0.5'");
                    fleet.execute(fleet.centralDatabase(), "insert into tenants (id, name, jurisdiction) values ('" + id
                            + "', 'Slow Tenant " + i + "', 'uk'); insert into tenant_databases (tenant_id, host, port,"
                            + " database_name, secret_id) values ('" + id + "', '127.0.0.1', " + slow.port() + ", '"
                            + db + "', 'helix/slow/" + id + "')");
                    allSecrets.put("helix/slow/" + id, Map.of("username", USER, "password", PASSWORD));
                    ids.add(id);
                }
            }
            reset(tenantIds.subList(0, perServerTenants).stream().map(fleet::tenantDatabase).toList());
            Path secretsFile = work.resolve("two-server-secrets.json");
            Files.writeString(secretsFile, com.helix.migrations.json.Json.MAPPER.writeValueAsString(allSecrets));
            Map<String, String> env = env();
            env.put("MIGRATIONS_DIR", twoServers.toString());
            env.put("SECRETS_FILE", secretsFile.toString());
            List<String> command = new ArrayList<>(List.of(JAVA));
            command.addAll(CLI_JAVA_OPTIONS);
            command.addAll(List.of("-jar", JAR.toString(), "tenants", "--concurrency", "8", "--per-server", "4",
                    "--ids", String.join(",", ids)));
            double wall = seconds(() -> exec(command, env, 0));
            System.out.printf("## Per-server limits: %d tenants on each of two servers, one slow (+0.5 s a database),"
                    + " --concurrency 8 --per-server 4%n%n", perServerTenants);
            System.out.println("| server | databases | last finished after | most at once |");
            System.out.println("|---|---|---|---|");
            try (Connection c = server.admin(fleet.centralDatabase()); Statement s = c.createStatement();
                    java.sql.ResultSet rs = s.executeQuery("""
                            select case when t.target_id like 'slow%' then 'slow' else 'fast' end as kind, count(*),
                                   extract(epoch from max(t.finished_at) - min(r.started_at)),
                                   max((select count(*) from migration_run_targets o where o.run_id = t.run_id
                                        and o.server = t.server and o.started_at <= t.started_at
                                        and o.finished_at > t.started_at))
                            from migration_run_targets t join migration_runs r on r.id = t.run_id
                            where r.id = (select id from migration_runs order by started_at desc limit 1)
                              and t.tier = 'tenant'
                            group by 1 order by 1""")) {
                while (rs.next()) {
                    System.out.printf(Locale.ROOT, "| %s | %d | %.1f s | %d |%n", rs.getString(1), rs.getInt(2),
                            rs.getDouble(3), rs.getInt(4));
                }
            }
            System.out.printf(Locale.ROOT, "%nWhole CLI run: %.1f s.%n%n", wall);
        }
    }

    /**
     * 6. The fast apply path against Flyway applying everything ({@code DB_FAST_APPLY=false}) and psql: statements
     * and round trips per applied migration (counted by a proxy), then a fleet at concurrency 5 and the
     * provisioning of one database, on loopback and with {@code delayMs} added each way; medians of 3 alternated
     * runs. Last, a 4 MB migration of comments.
     */
    void fastApply(int count, double delayMs) throws Exception {
        List<String> ids = tenantIds.subList(0, count);
        List<String> dbs = ids.stream().map(fleet::tenantDatabase).toList();
        String idList = String.join(",", ids);
        Map<String, String> flywayOnly = Map.of("DB_FAST_APPLY", "false");
        Map<String, String> fast = Map.of();
        System.out.printf(Locale.ROOT, "## Fast apply: %d tenant databases, empty to V%d, concurrency 5%n%n", count,
                Migrations.COUNT);

        System.out.println("| tool (one database, empty to latest) | statements per applied migration | round trips per applied migration | round trips with nothing pending | round trips per migration beyond that |");
        System.out.println("|---|---|---|---|---|");
        try (LatencyProxy counter = new LatencyProxy(server.host(), server.port(), 0)) {
            pointAt(ids.subList(0, 1), counter.port());
            for (String[] tool : new String[][] {{"helix, fast apply", "fast"}, {"helix, Flyway only", "flyway"}, {"psql", "psql"}}) {
                reset(dbs.subList(0, 1));
                counter.takeCounts();
                Runnable run = () -> {
                    switch (tool[1]) {
                        case "fast" -> cliWith(fast, "tenants", "--ids", ids.get(0));
                        case "flyway" -> cliWith(flywayOnly, "tenants", "--ids", ids.get(0));
                        default -> psql(dbs.subList(0, 1), 1, counter.port());
                    }
                };
                run.run();
                long[] counts = counter.takeCounts();
                String noop = "–";
                String beyond = "–";
                if (!tool[1].equals("psql")) {
                    run.run();
                    long fixed = counter.takeCounts()[0];
                    noop = String.valueOf(fixed);
                    beyond = String.format(Locale.ROOT, "%.1f", (counts[0] - fixed) / (double) Migrations.COUNT);
                }
                System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %s | %s |%n", tool[0], counts[1] / (double) Migrations.COUNT,
                        counts[0] / (double) Migrations.COUNT, noop, beyond);
            }
            pointAt(ids.subList(0, 1), server.port());
        }
        System.out.println();

        System.out.println("| round trip | helix, fast apply (a) | helix, Flyway only (a') | psql floor (b) | a/b | a'/b |");
        System.out.println("|---|---|---|---|---|---|");
        for (double delay : new double[] {0, delayMs}) {
            try (LatencyProxy proxy = new LatencyProxy(server.host(), server.port(), delay)) {
                int port = delay == 0 ? server.port() : proxy.port();
                pointAt(ids, port);
                List<Double> a = new ArrayList<>();
                List<Double> a2 = new ArrayList<>();
                List<Double> b = new ArrayList<>();
                for (int run = 0; run < 3; run++) {
                    reset(dbs);
                    a.add(seconds(() -> cliWith(fast, "tenants", "--concurrency", "5", "--ids", idList)));
                    reset(dbs);
                    a2.add(seconds(() -> cliWith(flywayOnly, "tenants", "--concurrency", "5", "--ids", idList)));
                    reset(dbs);
                    b.add(seconds(() -> psql(dbs, 5, port)));
                }
                System.out.printf(Locale.ROOT, "| %s | %.2f s | %.2f s | %.2f s | %.2f | %.2f |%n",
                        delay == 0 ? "loopback" : String.format(Locale.ROOT, "+%.1f ms", 2 * delay), median(a),
                        median(a2), median(b), median(a) / median(b), median(a2) / median(b));
            }
        }
        pointAt(ids, server.port());
        System.out.println();

        System.out.printf(Locale.ROOT, "| provisioning one database (handler warm), +%.1f ms round trips | median of 3 | runs |%n", 2 * delayMs);
        System.out.println("|---|---|---|");
        try (LatencyProxy proxy = new LatencyProxy(server.host(), server.port(), delayMs)) {
            pointAt(ids.subList(0, 2), proxy.port());
            Map<String, List<Double>> times = new java.util.LinkedHashMap<>();
            Map<String, Platform> platforms = Map.of(
                    "helix, fast apply", platform(fast), "helix, Flyway only", platform(flywayOnly));
            for (Map.Entry<String, Platform> warm : platforms.entrySet()) {
                reset(dbs.subList(1, 2));
                provision(warm.getValue(), ids.get(1));
            }
            for (int run = 0; run < 3; run++) {
                for (Map.Entry<String, Platform> tool : platforms.entrySet()) {
                    reset(dbs.subList(0, 1));
                    times.computeIfAbsent(tool.getKey(), k -> new ArrayList<>())
                            .add(seconds(() -> provision(tool.getValue(), ids.get(0))));
                }
                reset(dbs.subList(0, 1));
                times.computeIfAbsent("psql", k -> new ArrayList<>())
                        .add(seconds(() -> psql(dbs.subList(0, 1), 1, proxy.port())));
            }
            times.forEach((tool, runs) -> System.out.printf(Locale.ROOT, "| %s | %.3f s | %s |%n", tool, median(runs), runs(runs)));
            System.out.printf(Locale.ROOT, "%nFast apply against psql: %.2f; Flyway only against psql: %.2f.%n%n",
                    median(times.get("helix, fast apply")) / median(times.get("psql")),
                    median(times.get("helix, Flyway only")) / median(times.get("psql")));
            pointAt(ids.subList(0, 2), server.port());
        }
        largeScript(ids.get(0), dbs.get(0));
    }

    /**
     * A 4 MB migration of comments (V33), one database from V32, handler warm: Flyway parses it for each database it
     * migrates, the fast path once per process, when the set is first read.
     */
    private void largeScript(String id, String db) throws Exception {
        Path big = Migrations.write(work.resolve("large-script"), ROOT.resolve("migrations/central"));
        StringBuilder sql = new StringBuilder();
        while (sql.length() < 4 << 20) {
            sql.append("-- a comment line that only Flyway's parser has to read through, again and again\n");
        }
        Files.writeString(big.resolve("tenant/V33__large_comments.sql"), sql.append("create table large_done (id int);\n"));
        Platform fast = platform(Map.of("MIGRATIONS_DIR", big.toString()));
        Platform flywayOnly = platform(Map.of("MIGRATIONS_DIR", big.toString(), "DB_FAST_APPLY", "false"));
        // Each process reads (and checks, and parses) a set once, when it first needs it.
        double firstRead = seconds(() -> fast.sources().set(Tier.TENANT, null));
        flywayOnly.sources().set(Tier.TENANT, null);
        Map<String, Platform> platforms = new java.util.LinkedHashMap<>();
        platforms.put("helix, fast apply", fast);
        platforms.put("helix, Flyway only", flywayOnly);
        Platform upTo32 = platform(Map.of());
        Map<String, List<Double>> times = new java.util.LinkedHashMap<>();
        for (int run = 0; run < 4; run++) {
            for (Map.Entry<String, Platform> tool : platforms.entrySet()) {
                reset(List.of(db));
                provision(upTo32, id);
                double seconds = seconds(() -> provision(tool.getValue(), id));
                if (run > 0) {
                    times.computeIfAbsent(tool.getKey(), k -> new ArrayList<>()).add(seconds);
                }
            }
        }
        System.out.println("| a 4 MB migration of comments, one database from V32 to V33 (handler warm) | median of 3 | runs |");
        System.out.println("|---|---|---|");
        times.forEach((tool, runs) -> System.out.printf(Locale.ROOT, "| %s | %.3f s | %s |%n", tool, median(runs), runs(runs)));
        System.out.printf(Locale.ROOT, "%nReading, checking and parsing the set, once per process: %.2f s.%n%n", firstRead);
    }

    /** Points these tenants' registry rows at a port (the server's, or a proxy's). */
    private void pointAt(List<String> ids, int port) {
        fleet.execute(fleet.centralDatabase(), "update tenant_databases set port = " + port + " where tenant_id in ('"
                + String.join("','", ids) + "')");
    }

    private Platform platform(Map<String, String> extra) {
        Map<String, String> env = env();
        env.putAll(extra);
        return Platform.fromConfig(MigrationsConfig.fromEnvironment(env));
    }

    private static void provision(Platform platform, String id) {
        platform.migrator()
                .run(platform.registry().find(Tier.TENANT, id), Action.MIGRATE, null, BaselineOptions.CHECKED, null);
    }

    private void addTenants(int count) {
        for (int i = tenantIds.size(); i < count; i++) {
            String id = String.format("b%05d", i);
            fleet.tenant(id, "Bench Tenant " + i, i % 2 == 0 ? "uk" : "eu", "active", true);
            tenantIds.add(id);
        }
        fleet.writeSecretsFile(secrets);
    }

    /** Drops and recreates the databases, empty. */
    private void reset(List<String> dbs) throws SQLException {
        try (Connection c = server.admin("postgres"); Statement s = c.createStatement()) {
            for (String db : dbs) {
                s.execute("drop database if exists \"" + db + "\" with (force)");
                s.execute("create database \"" + db + "\" owner " + USER);
            }
        }
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("CENTRAL_DB_SECRET_ID", FleetBuilder.CENTRAL_SECRET_ID);
        env.put("JURISDICTION_REGIONS", "uk=eu-west-2,eu=eu-central-1");
        env.put("SECRETS_FILE", secrets.toString());
        env.put("MIGRATIONS_DIR", migrations.toString());
        env.put("DB_SSL_MODE", "disable");
        return env;
    }

    private void cli(String... args) {
        cliWith(Map.of(), args);
    }

    private void cliWith(Map<String, String> extra, String... args) {
        List<String> command = new ArrayList<>(List.of(JAVA));
        command.addAll(CLI_JAVA_OPTIONS);
        command.addAll(List.of("-jar", JAR.toString()));
        command.addAll(List.of(args));
        Map<String, String> env = env();
        env.putAll(extra);
        exec(command, env, 0);
    }

    private long cliPeakRssKb(String... args) throws IOException {
        Path rss = work.resolve("rss.txt");
        List<String> command = new ArrayList<>(List.of("/usr/bin/time", "-o", rss.toString(), "-f", "%M", JAVA, "-jar", JAR.toString()));
        command.addAll(List.of(args));
        exec(command, env(), 0);
        return Long.parseLong(Files.readString(rss).strip().lines().reduce((x, y) -> y).orElseThrow());
    }

    private void handler(String event) {
        exec(List.of(JAVA, "-cp", JAR + ":" + ROOT.resolve("bench/target/classes"), InvokeHandler.class.getName(), event), env(), 0);
    }

    /** The floor: one psql session per database, one transaction per migration file. */
    private void psql(List<String> dbs, int concurrency) {
        psql(dbs, concurrency, server.port());
    }

    private void psql(List<String> dbs, int concurrency, int port) {
        Path script = work.resolve("all-migrations.psql");
        try {
            StringBuilder sql = new StringBuilder("\\set ON_ERROR_STOP on\n");
            for (Path file : Migrations.tenantFiles(migrations)) {
                boolean transactional = !Files.readString(file).toLowerCase(Locale.ROOT).contains("concurrently");
                sql.append(transactional ? "begin;\n" : "").append("\\i ").append(file).append('\n').append(transactional ? "commit;\n" : "");
            }
            Files.writeString(script, sql);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Map<String, String> env = Map.of("PGPASSWORD", PASSWORD, "PGHOST", server.host(), "PGPORT", String.valueOf(port), "PGUSER", USER);
        xargs(dbs, concurrency, env, List.of("psql", "-X", "-q", "-f", script.toString(), "-d"));
    }

    /** What users do today: the Flyway command-line tool, started once per database. */
    private void flywayCli(List<String> dbs, int concurrency) {
        String classpath = ROOT.resolve("bench/target/flyway-lib") + "/*";
        Map<String, String> env = Map.of("FLYWAY_USER", USER, "FLYWAY_PASSWORD", PASSWORD,
                "FLYWAY_LOCATIONS", "filesystem:" + migrations.resolve("tenant"),
                "FLYWAY_POSTGRESQL_TRANSACTIONAL_LOCK", "false", "REDGATE_DISABLE_TELEMETRY", "true");
        String url = "jdbc:postgresql://" + server.host() + ":" + server.port() + "/";
        xargs(dbs.stream().map(db -> "-url=" + url + db).toList(), concurrency, env,
                List.of(JAVA, "-cp", classpath, "org.flywaydb.commandline.Main", "-skipCheckForUpdate", "migrate"));
    }

    /** Runs the command once per argument, at most {@code concurrency} at a time (xargs -P). */
    private void xargs(List<String> args, int concurrency, Map<String, String> env, List<String> command) {
        try {
            Path list = work.resolve("xargs.txt");
            Files.write(list, args);
            List<String> full = new ArrayList<>(List.of("xargs", "-a", list.toString(), "-n", "1", "-P", String.valueOf(concurrency)));
            full.addAll(command);
            exec(full, env, 0);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void exec(List<String> command, Map<String, String> env, int expectedExit) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putAll(env);
            Path log = work.resolve("last-command.log");
            builder.redirectOutput(log.toFile());
            Process process = builder.start();
            if (!process.waitFor(60, TimeUnit.MINUTES) || process.exitValue() != expectedExit) {
                String shown = String.join(" ", command);
                throw new IllegalStateException(shown.substring(0, Math.min(200, shown.length())) + " failed:\n" + tail(Files.readString(log)));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    interface Work {
        void run() throws Exception;
    }

    private static double seconds(Work work) throws Exception {
        long start = System.nanoTime();
        work.run();
        return (System.nanoTime() - start) / 1e9;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static String runs(List<Double> values) {
        return String.join(", ", values.stream().map(v -> String.format(Locale.ROOT, "%.2f", v)).toList());
    }

    private static String tail(String text) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    private static String machine() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU")
                    + ", " + Math.round(Runtime.getRuntime().maxMemory() / 1e9) + " GB max heap";
        } catch (IOException e) {
            return "unknown machine";
        }
    }

    private static List<String> words(String text) {
        return text.isBlank() ? List.of() : List.of(text.trim().split("\\s+"));
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--skip-flyway-cli") || args[i].equals("--fast-apply-only")) {
                options.put(args[i], "");
            } else if (i + 1 < args.length && args[i].startsWith("--")) {
                options.put(args[i], args[++i]);
            } else {
                throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        return options;
    }
}
