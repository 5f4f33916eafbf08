package com.helix.migrations.ledger;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.helix.migrations.db.SqlFailures;
import com.helix.migrations.exceptions.InvalidConfigurationException;
import com.helix.migrations.exceptions.MigrationsException;
import com.helix.migrations.exceptions.RunRefusedException;
import com.helix.migrations.json.Json;
import com.helix.migrations.registry.CentralDatabase;
import com.helix.migrations.registry.CentralRegistry;
import com.helix.migrations.target.Ids;
import com.helix.migrations.target.Tier;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.flywaydb.core.api.MigrationVersion;

/**
 * The run ledger in the central database ({@code migration_runs}, {@code migration_run_targets}): every
 * fleet run, its databases frozen in one statement when it starts, and how each ended. Databases are
 * read from that frozen list, so registry changes during a run never skip or repeat one; recording
 * an outcome twice changes nothing the second time. Parameterised SQL only; no host leaves the central
 * database (a run numbers its servers).
 */
public final class RunLedger {
    public static final String STATE_MACHINE = "state-machine";
    public static final String CLI = "cli";
    /** How a database of a run can end. */
    public static final Set<String> FINISHED = Set.of(
            "migrated", "up_to_date", "failed", "needs_migration", "blocked", "repaired", "baselined", "not_started");
    /** The statuses a resume runs again: everything that did not end well. */
    static final String UNFINISHED = "('pending', 'running', 'failed', 'blocked', 'not_started')";

    private static final String RUN_COLUMNS =
            "id, source, started_by, action, status, options, build, resumes, stop_requested, started_at, "
                    + "heartbeat_at, finished_at, targets, migrated, up_to_date, failed, not_started, gate";
    private static final String TARGET_COLUMNS =
            "seq, tier, target_id, name, product_type, server, wave, status, from_version, to_version, applied, "
                    + "duration_ms, error_code, error_message, attempts";
    /** Tenants before products. */
    private static final String TIER_ORDER = "case tier when 'tenant' then 1 else 2 end";

    private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final CentralDatabase central;
    private final CentralRegistry registry;
    private final Duration staleAfter;

    /**
     * @param staleAfter a CLI run whose heartbeat is older than this is {@code abandoned} (its process is gone)
     */
    public RunLedger(CentralDatabase central, CentralRegistry registry, Duration staleAfter) {
        this.central = central;
        this.registry = registry;
        this.staleAfter = staleAfter;
    }

    /** How often a CLI run should beat: well within {@code staleAfter}. */
    public Duration heartbeatEvery() {
        return staleAfter.dividedBy(6);
    }

    /**
     * Starts a run: checks its build against the runs before it, writes its row and freezes its databases,
     * in one transaction. Starting a state machine's run again (a retried StartRun) returns the run
     * already started and changes nothing.
     */
    public RunRecord start(RunStart start) {
        return transaction("start a run", connection -> {
            try (PreparedStatement lock = connection.prepareStatement(
                    "select pg_advisory_xact_lock(hashtext('helix-migrations run ledger'))")) {
                lock.execute();
            }
            if (STATE_MACHINE.equals(start.source())) {
                RunRecord existing = one(
                        connection,
                        "select " + RUN_COLUMNS + " from migration_runs where source = 'state-machine' "
                                + "and started_by = ?",
                        start.startedBy());
                if (existing != null) {
                    return existing;
                }
            }
            settleAbandoned(connection);
            if (start.changes()) {
                requireBuildMayRun(connection, start);
            }
            String id = newRunId();
            try (PreparedStatement insert = connection.prepareStatement(
                    "insert into migration_runs (id, source, started_by, action, changes, options, build, resumes) "
                            + "values (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?)")) {
                insert.setString(1, id);
                insert.setString(2, start.source());
                insert.setString(3, start.startedBy());
                insert.setString(4, start.action());
                insert.setBoolean(5, start.changes());
                insert.setString(6, Json.MAPPER.writeValueAsString(start.options()));
                insert.setString(7, Json.MAPPER.writeValueAsString(start.build()));
                insert.setString(8, start.resumes());
                insert.executeUpdate();
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            if (start.central() != null) {
                FrozenList.insertCentral(connection, id, start.central());
            }
            if (start.resumes() != null) {
                FrozenList.freezeResumed(connection, id, start.resumes());
            } else {
                FrozenList.freeze(connection, registry, id, start.scopes(), start.waves());
                FrozenList.requireNamedListed(connection, id, start.scopes());
            }
            return one(connection, "select " + RUN_COLUMNS + " from migration_runs where id = ?", id);
        });
    }

    /** The run, as it stands. */
    public RunRecord run(String runId) {
        return transaction("read run " + runId, connection -> {
            settleAbandoned(connection);
            return requireRun(connection, runId);
        });
    }

    /** The most recent runs, newest first. */
    public List<RunRecord> recent(int limit) {
        return transaction("list runs", connection -> {
            settleAbandoned(connection);
            return runs(
                    connection,
                    "select " + RUN_COLUMNS + " from migration_runs order by started_at desc, id desc limit ?",
                    limit);
        });
    }

    /** The runs that resume this one. */
    public List<RunRecord> resumedBy(String runId) {
        return transaction(
                "read run " + runId,
                connection -> runs(
                        connection,
                        "select " + RUN_COLUMNS + " from migration_runs where resumes = ? order by started_at",
                        runId));
    }

    /**
     * A run's tenant and product databases in the order they run: wave by wave, within a wave every tenant
     * database before any product database, and within those the frozen order (servers interleaved).
     */
    public List<RunTarget> frozen(String runId) {
        return transaction("read run " + runId, connection -> {
            try (PreparedStatement statement = connection.prepareStatement("select " + TARGET_COLUMNS
                    + " from migration_run_targets where run_id = ? and tier <> 'central'"
                    + " order by wave, " + TIER_ORDER + ", seq")) {
                statement.setString(1, runId);
                return targets(statement);
            }
        });
    }

    /**
     * The lanes of a run's next segment: the first wave and tier (tenants before products) that still has
     * pending databases. A lane runs databases one at a time, taking the next pending ones of its server (with
     * {@code perServer}: up to that many lanes per server) or of the segment (without: up to {@code
     * maxConcurrency} lanes across servers), so no lane waits behind another's slow database. Lane 0 of every
     * server comes first, then lane 1.
     *
     * @param perServer lanes per server; null: lanes across servers
     * @param limit     at most this many lanes (the rest are listed again once these have run)
     * @return empty when no database of the run is pending
     */
    public List<Lane> lanes(String runId, Integer perServer, int maxConcurrency, int limit) {
        return transaction("read run " + runId, connection -> {
            List<Lane> lanes = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement("""
                    with segment as (
                        select wave, tier from migration_run_targets
                        where run_id = ? and tier <> 'central' and status = 'pending'
                        order by wave, %s limit 1),
                    scopes as (
                        select t.wave, t.tier, case when ? then t.server end as server, count(*) as pending
                        from migration_run_targets t join segment s on s.wave = t.wave and s.tier = t.tier
                        where t.run_id = ? and t.status = 'pending'
                        group by 1, 2, 3)
                    select wave, tier, server, lane
                    from scopes, generate_series(0, least(pending, ?) - 1) lane
                    order by lane, server limit ?
                    """.formatted(TIER_ORDER))) {
                boolean byServer = perServer != null;
                int of = byServer ? perServer : maxConcurrency;
                statement.setString(1, runId);
                statement.setBoolean(2, byServer);
                statement.setString(3, runId);
                statement.setInt(4, of);
                statement.setInt(5, limit);
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        lanes.add(new Lane(
                                rs.getInt("wave"),
                                Tier.parse(rs.getString("tier")),
                                (Integer) rs.getObject("server"),
                                rs.getInt("lane"),
                                of));
                    }
                }
            }
            return lanes;
        });
    }

    /**
     * Takes a lane's next databases: the first pending ones of its server (or segment), in order, marked
     * running. A lane takes its share of what is pending ({@code pending / (2 × of)}, at least one, at most
     * {@code limit}), so lanes of one server end together. The same call again (a retry: the same lane and
     * {@code taken}) returns the same databases while they are not recorded.
     *
     * @param taken how many this lane has taken so far, which names the batch
     */
    public List<RunTarget> take(String runId, Lane lane, int taken, int limit) {
        String claim = lane.wave() + "/" + lane.tier().wire() + "/" + (lane.server() == null ? "-" : lane.server())
                + "/" + lane.lane() + "/" + taken;
        return transaction("take databases in run " + runId, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "select " + TARGET_COLUMNS
                            + " from migration_run_targets where run_id = ? and claim = ? and status = 'running' order by seq")) {
                statement.setString(1, runId);
                statement.setString(2, claim);
                List<RunTarget> taking = targets(statement);
                if (!taking.isEmpty()) {
                    return taking;
                }
            }
            String scope = "run_id = ? and wave = ? and tier = ? and (server = ? or ? is null) and status = 'pending'";
            int pending;
            try (PreparedStatement statement =
                    connection.prepareStatement("select count(*) from migration_run_targets where " + scope)) {
                bindScope(statement, 1, runId, lane);
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    pending = rs.getInt(1);
                }
            }
            int share = share(pending, lane.of(), limit);
            try (PreparedStatement statement =
                    connection.prepareStatement("""
                    with next as materialized (
                        select seq from migration_run_targets where %s order by seq limit ? for update skip locked)
                    update migration_run_targets t set status = 'running', claim = ?, attempts = attempts + 1
                    from next where t.run_id = ? and t.seq = next.seq
                    returning %s
                    """.formatted(scope, "t." + TARGET_COLUMNS.replace(", ", ", t.")))) {
                int index = bindScope(statement, 1, runId, lane);
                statement.setInt(index, share);
                statement.setString(index + 1, claim);
                statement.setString(index + 2, runId);
                List<RunTarget> took = targets(statement);
                took.sort((a, b) -> Long.compare(a.seq(), b.seq()));
                return took;
            }
        });
    }

    /**
     * How many databases a lane takes at a time: its share of what is pending in its scope, half of an equal
     * split (so the lanes of a scope end within one database of each other), at least one and at most {@code
     * limit}.
     */
    public static int share(int pending, int lanes, int limit) {
        return Math.min(limit, Math.max(1, (pending + 2 * lanes - 1) / (2 * lanes)));
    }

    /** Binds a lane's scope (run, wave, tier, server) from this parameter on; returns the next one. */
    private static int bindScope(PreparedStatement statement, int index, String runId, Lane lane) throws SQLException {
        statement.setString(index, runId);
        statement.setInt(index + 1, lane.wave());
        statement.setString(index + 2, lane.tier().wire());
        statement.setObject(index + 3, lane.server(), Types.INTEGER);
        statement.setObject(index + 4, lane.server(), Types.INTEGER);
        return index + 5;
    }

    /**
     * A lane of a run's databases: one of the workers of one wave and tier (and server) taking its databases.
     *
     * @param server the server's number in the run; null: the lane takes databases across servers
     * @param lane   which of the segment's (or server's) lanes, from 0
     * @param of     how many lanes the segment (or the server) may have
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Lane(int wave, Tier tier, Integer server, int lane, int of) {}

    /** How many of a run's databases failed or were blocked so far. */
    public int failures(String runId) {
        return transaction("read run " + runId, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "select count(*) from migration_run_targets where run_id = ? and status in ('failed', 'blocked')")) {
                statement.setString(1, runId);
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /** The lowest wave of a run that still has pending databases; null when none has. */
    public Integer pendingWave(String runId) {
        return transaction("read run " + runId, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "select min(wave) from migration_run_targets where run_id = ? and status = 'pending'")) {
                statement.setString(1, runId);
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    return (Integer) rs.getObject(1);
                }
            }
        });
    }

    /** A run's first databases that ended one of these ways, in order. */
    public List<RunTarget> ended(String runId, Set<String> statuses, int limit) {
        return transaction("read run " + runId, connection -> {
            try (PreparedStatement statement = connection.prepareStatement("select " + TARGET_COLUMNS
                    + " from migration_run_targets where run_id = ? and tier <> 'central' and status = any (?)"
                    + " order by seq limit ?")) {
                statement.setString(1, runId);
                statement.setArray(2, connection.createArrayOf("text", statuses.toArray()));
                statement.setInt(3, limit);
                return targets(statement);
            }
        });
    }

    /** A run's databases that did not end well (failed, blocked, interrupted or never started), in order. */
    public List<RunTarget> unfinished(String runId, int limit) {
        return transaction("read run " + runId, connection -> {
            try (PreparedStatement statement = connection.prepareStatement("select " + TARGET_COLUMNS
                    + " from migration_run_targets where run_id = ? and status in " + UNFINISHED
                    + " order by seq limit ?")) {
                statement.setString(1, runId);
                statement.setInt(2, limit);
                return targets(statement);
            }
        });
    }

    /** How many of a run's databases ended each way, by tier and product type, in the run's order. */
    public List<Count> counts(String runId) {
        return transaction("read run " + runId, connection -> {
            List<Count> counts = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement(
                    "select tier, product_type, status, count(*) from migration_run_targets where run_id = ? "
                            + "group by tier, product_type, status order by min(seq), product_type, status")) {
                statement.setString(1, runId);
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        counts.add(
                                new Count(Tier.parse(rs.getString(1)), rs.getString(2), rs.getString(3), rs.getInt(4)));
                    }
                }
            }
            return counts;
        });
    }

    /** How many databases of one tier (and product type) ended one way. */
    public record Count(Tier tier, String productType, String status, int count) {}

    /**
     * How many of a run's databases are at each version, by tier and product type, with how they ended:
     * the histogram a status run reports.
     */
    public List<VersionCount> versions(String runId) {
        return transaction("read run " + runId, connection -> {
            List<VersionCount> versions = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement(
                    "select tier, product_type, to_version, status, count(*) from migration_run_targets"
                            + " where run_id = ? group by tier, product_type, to_version, status"
                            + " order by min(seq), product_type, to_version, status")) {
                statement.setString(1, runId);
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        versions.add(new VersionCount(
                                Tier.parse(rs.getString(1)),
                                rs.getString(2),
                                rs.getString(3),
                                rs.getString(4),
                                rs.getInt(5)));
                    }
                }
            }
            return versions;
        });
    }

    /**
     * How many databases of one tier (and product type) are at one version, having ended one way.
     *
     * @param version null: no version (empty, or not reached)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record VersionCount(Tier tier, String productType, String version, String status, int count) {}

    /** Marks one database as started (a CLI run): it is running, one attempt more. */
    public void started(String runId, Tier tier, String id) {
        transaction("record a start in run " + runId, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "update migration_run_targets set status = 'running', attempts = attempts + 1, "
                            + "started_at = now() where run_id = ? and tier = ? and target_id = ? "
                            + "and status = 'pending'")) {
                statement.setString(1, runId);
                statement.setString(2, tier.wire());
                statement.setString(3, id);
                return statement.executeUpdate();
            }
        });
    }

    /**
     * Records how databases of a run ended, in one statement. Only a database still pending or running is
     * changed, so recording the same results again changes nothing.
     *
     * @return how many databases this call recorded
     */
    public int record(String runId, List<TargetResult> results) {
        if (results.isEmpty()) {
            return 0;
        }
        results.forEach(result -> {
            if (!FINISHED.contains(result.status())) {
                throw new IllegalArgumentException("not a finished status: " + result.status());
            }
        });
        return transaction("record results in run " + runId, connection -> {
            try (PreparedStatement statement = connection.prepareStatement("""
                    update migration_run_targets t set
                        status = r.status, from_version = r.from_version, to_version = r.to_version,
                        applied = r.applied, duration_ms = r.duration_ms, error_code = r.error_code,
                        error_message = r.error_message,
                        attempts = case when t.status = 'pending' and r.status <> 'not_started'
                                        then t.attempts + 1 else t.attempts end,
                        started_at = coalesce(t.started_at,
                                              now() - coalesce(r.duration_ms, 0) * interval '1 millisecond'),
                        finished_at = now()
                    from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int[], ?::bigint[],
                                ?::text[], ?::text[])
                        as r(tier, target_id, status, from_version, to_version, applied, duration_ms, error_code,
                             error_message)
                    where t.run_id = ? and t.tier = r.tier and t.target_id = r.target_id
                      and t.status in ('pending', 'running')
                    """)) {
                int i = 1;
                statement.setArray(i++, texts(connection, results, r -> r.tier().wire()));
                statement.setArray(i++, texts(connection, results, TargetResult::id));
                statement.setArray(i++, texts(connection, results, TargetResult::status));
                statement.setArray(i++, texts(connection, results, TargetResult::fromVersion));
                statement.setArray(i++, texts(connection, results, TargetResult::toVersion));
                statement.setArray(
                        i++,
                        connection.createArrayOf(
                                "int4",
                                results.stream().map(TargetResult::applied).toArray()));
                statement.setArray(
                        i++,
                        connection.createArrayOf(
                                "int8",
                                results.stream().map(TargetResult::durationMs).toArray()));
                statement.setArray(i++, texts(connection, results, TargetResult::errorCode));
                statement.setArray(i++, texts(connection, results, TargetResult::errorMessage));
                statement.setString(i, runId);
                int recorded = statement.executeUpdate();
                touch(connection, runId);
                return recorded;
            }
        });
    }

    /** Records which gate stopped the run (the first one to close is kept). */
    public void gate(String runId, String gate) {
        transaction("record the gate of run " + runId, connection -> {
            try (PreparedStatement statement =
                    connection.prepareStatement("update migration_runs set gate = coalesce(gate, ?) where id = ?")) {
                statement.setString(1, gate);
                statement.setString(2, runId);
                return statement.executeUpdate();
            }
        });
    }

    /**
     * How one wave of a run went so far: its databases, those that ended, and those that failed or were
     * blocked.
     */
    public WaveCount wave(String runId, int wave) {
        return transaction("read run " + runId, connection -> {
            try (PreparedStatement statement = connection.prepareStatement("""
                    select count(*),
                           count(*) filter (where status not in ('pending', 'running', 'not_started')),
                           count(*) filter (where status in ('failed', 'blocked'))
                    from migration_run_targets where run_id = ? and wave = ? and tier <> 'central'
                    """)) {
                statement.setString(1, runId);
                statement.setInt(2, wave);
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    return new WaveCount(wave, rs.getInt(1), rs.getInt(2), rs.getInt(3));
                }
            }
        });
    }

    /** How one wave went: {@code ended} of its {@code targets} ended, {@code failed} of them failed or were blocked. */
    public record WaveCount(int wave, int targets, int ended, int failed) {}

    /**
     * The run is alive: its heartbeat is now.
     *
     * @return whether a stop was requested (nothing new should start)
     */
    public boolean heartbeat(String runId) {
        return transaction("beat for run " + runId, connection -> touch(connection, runId));
    }

    /**
     * Asks a running run to stop: nothing new starts, what runs finishes, and the run ends {@code stopped}.
     *
     * @throws RunRefusedException when the run is not running
     */
    public RunRecord requestStop(String runId) {
        return transaction("stop run " + runId, connection -> {
            settleAbandoned(connection);
            RunRecord run = requireRun(connection, runId);
            if (!run.running()) {
                throw new RunRefusedException("run " + runId + " is not running (it is " + run.status() + ")");
            }
            try (PreparedStatement statement =
                    connection.prepareStatement("update migration_runs set stop_requested = true where id = ?")) {
                statement.setString(1, runId);
                statement.executeUpdate();
            }
            return requireRun(connection, runId);
        });
    }

    /**
     * Closes a run: databases never reached become {@code not_started}, any left running (the run ended under
     * them) failed, the counts are written and the status decided. Closing a closed run changes nothing.
     *
     * @param status the status to end with ({@code stopped} after a signal, {@code failed} when its execution
     *               failed); null: decided by the outcomes ({@code stopped} if a stop was requested, else
     *               {@code failed} if any database failed, was blocked or was not started, else
     *               {@code succeeded})
     */
    public RunRecord finish(String runId, String status) {
        return transaction("close run " + runId, connection -> close(connection, runId, status));
    }

    /**
     * Closes the run of a state-machine execution that ended without closing it (failed, timed out,
     * aborted); null when there is no such run still open.
     */
    public RunRecord finishExecution(String executionArn, String status) {
        return transaction("close the run of an execution", connection -> {
            RunRecord run = one(
                    connection,
                    "select " + RUN_COLUMNS + " from migration_runs where source = 'state-machine' "
                            + "and started_by = ? and status = 'running'",
                    executionArn);
            return run == null ? null : close(connection, run.id(), status);
        });
    }

    /**
     * Per database, how the last migrate run that reached it ended.
     *
     * @return by tier and id: the run's id and the database's status in it
     */
    public Map<String, LastRun> lastMigrateRuns(Tier tier, List<String> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return transaction("read the last runs", connection -> {
            Map<String, LastRun> last = new LinkedHashMap<>();
            try (PreparedStatement statement = connection.prepareStatement("""
                    select distinct on (t.target_id) t.target_id, r.id, t.status, r.started_at
                    from migration_run_targets t join migration_runs r on r.id = t.run_id
                    where t.tier = ? and t.target_id = any (?) and r.action = 'migrate'
                      and t.status not in ('pending')
                    order by t.target_id, r.started_at desc, r.id desc
                    """)) {
                statement.setString(1, tier.wire());
                statement.setArray(2, connection.createArrayOf("text", ids.toArray()));
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        last.put(
                                rs.getString(1),
                                new LastRun(
                                        rs.getString(2),
                                        rs.getString(3),
                                        rs.getTimestamp(4).toInstant()));
                    }
                }
            }
            return last;
        });
    }

    /** How a database ended in the last migrate run that reached it. */
    public record LastRun(
            String runId,
            String status,

            @JsonSerialize(using = ToStringSerializer.class) Instant startedAt) {}

    /**
     * Deletes the runs (and their databases) that ended longer ago than this; a run still going is kept.
     *
     * @return how many runs were deleted
     */
    public int purge(Duration olderThan) {
        return transaction("purge old runs", connection -> {
            settleAbandoned(connection);
            try (PreparedStatement statement = connection.prepareStatement(
                    "delete from migration_runs where status <> 'running' and finished_at < now() - ? "
                            + "* interval '1 second'")) {
                statement.setLong(1, olderThan.toSeconds());
                return statement.executeUpdate();
            }
        });
    }

    private static boolean touch(Connection connection, String runId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "update migration_runs set heartbeat_at = now() where id = ? returning stop_requested")) {
            statement.setString(1, runId);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private RunRecord close(Connection connection, String runId, String status) throws SQLException {
        RunRecord run = requireRun(connection, runId);
        if (!run.running()) {
            return run;
        }
        try (PreparedStatement statement = connection.prepareStatement(
                "update migration_run_targets set status = 'not_started' where run_id = ? and status = 'pending'")) {
            statement.setString(1, runId);
            statement.executeUpdate();
        }
        try (PreparedStatement statement = connection.prepareStatement(
                "update migration_run_targets set status = 'failed', error_code = 'INTERRUPTED', "
                        + "error_message = 'The run ended while this database was in progress', "
                        + "finished_at = now() where run_id = ? and status = 'running'")) {
            statement.setString(1, runId);
            statement.executeUpdate();
        }
        try (PreparedStatement statement = connection.prepareStatement("""
                update migration_runs r set
                    status = coalesce(?, case when r.stop_requested then 'stopped'
                                              when c.failed + c.not_started > 0 then 'failed'
                                              else 'succeeded' end),
                    finished_at = now(), heartbeat_at = now(),
                    targets = c.targets, migrated = c.migrated, up_to_date = c.up_to_date, failed = c.failed,
                    not_started = c.not_started
                from (select count(*) as targets,
                             count(*) filter (where status = 'migrated') as migrated,
                             count(*) filter (where status = 'up_to_date') as up_to_date,
                             count(*) filter (where status in ('failed', 'blocked')) as failed,
                             count(*) filter (where status = 'not_started') as not_started
                      from migration_run_targets where run_id = ?) c
                where r.id = ?
                """)) {
            statement.setString(1, status);
            statement.setString(2, runId);
            statement.setString(3, runId);
            statement.executeUpdate();
        }
        return requireRun(connection, runId);
    }

    /** CLI runs whose process is gone (no heartbeat for {@code staleAfter}) end {@code abandoned}. */
    private void settleAbandoned(Connection connection) throws SQLException {
        List<String> stale = new ArrayList<>();
        try (PreparedStatement statement =
                connection.prepareStatement("select id from migration_runs where status = 'running' and source = 'cli' "
                        + "and heartbeat_at < now() - ? * interval '1 millisecond' for update skip locked")) {
            statement.setLong(1, staleAfter.toMillis());
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    stale.add(rs.getString(1));
                }
            }
        }
        for (String id : stale) {
            close(connection, id, "abandoned");
        }
    }

    private static void requireBuildMayRun(Connection connection, RunStart start) throws SQLException {
        for (RunRecord other : runs(
                connection,
                "select " + RUN_COLUMNS + " from migration_runs where status = 'running' and changes"
                        + " order by started_at")) {
            if (!other.build().equals(start.build())) {
                throw new RunRefusedException("run " + other.id() + " of another build (" + describe(other.build())
                        + ") is running; wait for it to end, or stop it (helix-migrations stop " + other.id() + ")");
            }
        }
        RunRecord last = one(
                connection,
                "select " + RUN_COLUMNS + " from migration_runs where status = 'succeeded' and action = 'migrate' "
                        + "order by finished_at desc limit 1");
        if (last == null || start.force()) {
            return;
        }
        List<String> older = new ArrayList<>();
        start.build().forEach((folder, version) -> {
            String theirs = last.build().get(folder);
            if (theirs != null
                    && MigrationVersion.fromVersion(version).compareTo(MigrationVersion.fromVersion(theirs)) < 0) {
                older.add(folder + " " + version + " < " + theirs);
            }
        });
        if (!older.isEmpty()) {
            throw new RunRefusedException("this build is older than that of run " + last.id()
                    + ", the last successful run (" + String.join(", ", older) + "); force it to run anyway");
        }
    }

    private static String describe(Map<String, String> build) {
        return build.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    static RunRecord requireRun(Connection connection, String runId) throws SQLException {
        RunRecord run = one(connection, "select " + RUN_COLUMNS + " from migration_runs where id = ?", runId);
        if (run == null) {
            throw new RunRefusedException("no run " + Ids.quote(runId) + " in the ledger");
        }
        return run;
    }

    private static RunRecord one(Connection connection, String sql, Object... params) throws SQLException {
        List<RunRecord> runs = runs(connection, sql, params);
        return runs.isEmpty() ? null : runs.get(0);
    }

    private static List<RunRecord> runs(Connection connection, String sql, Object... params) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            List<RunRecord> runs = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    runs.add(new RunRecord(
                            rs.getString("id"),
                            rs.getString("source"),
                            rs.getString("started_by"),
                            rs.getString("action"),
                            rs.getString("status"),
                            Json.MAPPER.readTree(rs.getString("options")),
                            Json.MAPPER.readValue(rs.getString("build"), new TypeReference<Map<String, String>>() {}),
                            rs.getString("resumes"),
                            rs.getBoolean("stop_requested"),
                            instant(rs.getTimestamp("started_at")),
                            instant(rs.getTimestamp("heartbeat_at")),
                            instant(rs.getTimestamp("finished_at")),
                            rs.getInt("targets"),
                            rs.getInt("migrated"),
                            rs.getInt("up_to_date"),
                            rs.getInt("failed"),
                            rs.getInt("not_started"),
                            rs.getString("gate")));
                }
            } catch (JsonProcessingException e) {
                throw new SQLException("a run row holds JSON that is not valid", e);
            }
            return runs;
        }
    }

    private static List<RunTarget> targets(PreparedStatement statement) throws SQLException {
        List<RunTarget> targets = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                targets.add(target(rs));
            }
        }
        return targets;
    }

    private static RunTarget target(ResultSet rs) throws SQLException {
        return new RunTarget(
                rs.getLong("seq"),
                Tier.parse(rs.getString("tier")),
                rs.getString("target_id"),
                rs.getString("name"),
                rs.getString("product_type"),
                rs.getInt("server"),
                rs.getInt("wave"),
                rs.getString("status"),
                rs.getString("from_version"),
                rs.getString("to_version"),
                (Integer) rs.getObject("applied"),
                (Long) rs.getObject("duration_ms"),
                rs.getString("error_code"),
                rs.getString("error_message"),
                rs.getInt("attempts"));
    }

    private static Array texts(Connection connection, List<TargetResult> results, Function<TargetResult, String> field)
            throws SQLException {
        return connection.createArrayOf("text", results.stream().map(field).toArray());
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    private static String newRunId() {
        byte[] random = new byte[3];
        RANDOM.nextBytes(random);
        return ZonedDateTime.now(ZoneOffset.UTC).format(RUN_ID_TIME) + "-"
                + HexFormat.of().formatHex(random);
    }

    @FunctionalInterface
    private interface Work<T> {
        T in(Connection connection) throws SQLException;
    }

    /** Runs the work in one transaction; the central database's failures say what was being done. */
    private <T> T transaction(String doing, Work<T> work) {
        try (Connection connection = central.connection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.in(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            if ("42P01".equals(SqlFailures.sqlState(e))) {
                throw new InvalidConfigurationException("the central database has no run ledger yet (table "
                        + "migration_runs): migrate central first (helix-migrations central)");
            }
            MigrationsException failure = SqlFailures.central(doing, e);
            throw failure;
        }
    }
}
