package com.helix.migrations.ledger;

import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.exceptions.RunRefusedException;
import com.helix.migrations.registry.CentralRegistry;
import com.helix.migrations.registry.TargetQuery;
import com.helix.migrations.target.Ids;
import com.helix.migrations.target.Target;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How a run's databases are written into the ledger when it starts, each in one statement, inside the run's
 * start transaction: a fresh listing in waves with servers interleaved, or what a resumed run left.
 */
final class FrozenList {
    private FrozenList() {}

    static void insertCentral(Connection connection, String runId, TargetResult central) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("""
                insert into migration_run_targets (run_id, seq, tier, target_id, name, server, status, from_version,
                    to_version, applied, duration_ms, error_code, error_message, attempts, started_at, finished_at)
                values (?, 0, 'central', ?, 'central', 0, ?, ?, ?, ?, ?, ?, ?, 1,
                        now() - coalesce(?, 0) * interval '1 millisecond', now())
                """)) {
            statement.setString(1, runId);
            statement.setString(2, Target.CENTRAL_ID);
            statement.setString(3, central.status());
            statement.setString(4, central.fromVersion());
            statement.setString(5, central.toVersion());
            statement.setObject(6, central.applied());
            statement.setObject(7, central.durationMs());
            statement.setString(8, central.errorCode());
            statement.setString(9, central.errorMessage());
            statement.setObject(10, central.durationMs());
            statement.executeUpdate();
        }
    }

    /**
     * Writes the run's databases in one statement, in waves (see {@link Waves}): within a wave each scope in
     * turn, and within a scope the first database of every server, then the second of every server, and so
     * on, so that workers spread across servers. Servers are numbered; no host is written.
     */
    static void freeze(
            Connection connection, CentralRegistry registry, String runId, List<TargetQuery> scopes, Waves waves)
            throws SQLException {
        if (scopes.isEmpty()) {
            return;
        }
        List<CentralRegistry.Listing> listings =
                scopes.stream().map(registry::listing).toList();
        StringBuilder union = new StringBuilder();
        for (int i = 0; i < listings.size(); i++) {
            union.append(i == 0 ? "" : " union all ")
                    .append("select ")
                    .append(i)
                    .append(" as scope, l.* from (")
                    .append(listings.get(i).sql())
                    .append(") l");
        }
        String sql = """
                insert into migration_run_targets (run_id, seq, tier, target_id, name, product_type, server, wave)
                with listed as (%s),
                numbered as (select listed.*, dense_rank() over (order by lower(host), port) as server from listed),
                tenants as (select tenant_id, min(jurisdiction) as jurisdiction, min(server) as server
                            from numbered group by tenant_id),
                ranked as (select tenant_id,
                                  row_number() over (order by jslot, jrank, jurisdiction, tenant_id) as rank,
                                  count(*) over () as total
                           from (select spread.*, row_number() over (partition by jurisdiction, jslot
                                                                     order by server, tenant_id) as jrank
                                 from (select tenants.*, row_number() over (partition by jurisdiction, server
                                                                            order by tenant_id) as jslot
                                       from tenants) spread) interleaved),
                waved as (select tenant_id,
                                 case when rank <= ? or tenant_id = any (?::text[])
                                           or tenant_id in (select tenant_id from numbered
                                                            where target_id = any (?::text[]))
                                      then 0
                                      else coalesce((select min(w.k) from unnest(?::int[]) with ordinality as w(percent, k)
                                                     where rank <= ceil(w.percent * total / 100.0)), 1)::int
                                 end as wave
                          from ranked)
                select ?, row_number() over (order by w.wave, n.scope, n.slot, n.server, n.target_id), n.tier,
                       n.target_id, n.name, n.product_type, n.server, w.wave
                from (select numbered.*,
                             row_number() over (partition by scope, server order by target_id) as slot
                      from numbered) n
                join waved w on w.tenant_id = n.tenant_id
                """.formatted(union);
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            int index = 1;
            for (CentralRegistry.Listing listing : listings) {
                index = listing.bind(connection, statement, index);
            }
            statement.setObject(index++, waves.canaryCount(), Types.INTEGER);
            Array canaryIds = waves.canaryIds() == null
                    ? null
                    : connection.createArrayOf("text", waves.canaryIds().toArray());
            statement.setArray(index++, canaryIds);
            statement.setArray(index++, canaryIds);
            statement.setArray(
                    index++, connection.createArrayOf("int4", waves.percents().toArray()));
            statement.setString(index, runId);
            statement.executeUpdate();
        }
    }

    /** A resume's databases: those of the run it resumes that did not end well, in their order. */
    static void freezeResumed(Connection connection, String runId, String resumes) throws SQLException {
        RunRecord previous = RunLedger.requireRun(connection, resumes);
        if (previous.running()) {
            throw new RunRefusedException(
                    "run " + resumes + " is still running; stop it first (helix-migrations stop " + resumes + ")");
        }
        try (PreparedStatement statement = connection.prepareStatement("""
                insert into migration_run_targets (run_id, seq, tier, target_id, name, product_type, server, wave)
                select ?, case when tier = 'central' then 0 else row_number() over (order by seq) end, tier, target_id,
                       name, product_type, server, wave
                from migration_run_targets where run_id = ? and status in %s
                """.formatted(RunLedger.UNFINISHED))) {
            statement.setString(1, runId);
            statement.setString(2, resumes);
            if (statement.executeUpdate() == 0) {
                throw new RunRefusedException("run " + resumes + " left nothing to resume: every database ended well");
            }
        }
    }

    /**
     * Every id a scope names is a database the run froze (or one it also excludes): an id that is unknown,
     * inactive, not provisioned or outside the other filters is a mistake, refused rather than skipped.
     */
    static void requireNamedListed(Connection connection, String runId, List<TargetQuery> scopes) throws SQLException {
        Set<String> unlisted = new LinkedHashSet<>();
        scopes.stream().filter(scope -> scope.ids() != null).forEach(scope -> {
            unlisted.addAll(scope.ids());
            unlisted.removeAll(scope.excludeIds());
        });
        if (unlisted.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(
                "select target_id from migration_run_targets where run_id = ? and target_id = any (?)")) {
            statement.setString(1, runId);
            statement.setArray(2, connection.createArrayOf("text", unlisted.toArray()));
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    unlisted.remove(rs.getString(1));
                }
            }
        }
        if (!unlisted.isEmpty()) {
            String tiers =
                    scopes.stream().map(scope -> scope.tier().wire()).distinct().collect(Collectors.joining(" or "));
            throw new InvalidRequestException(
                    "ids name no active, provisioned " + tiers + " database (unknown, inactive, not provisioned, or "
                            + "outside the other filters): "
                            + unlisted.stream().map(Ids::quote).collect(Collectors.joining(", ")));
        }
    }
}
