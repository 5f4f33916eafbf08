package com.helix.migrations.registry;

import com.helix.migrations.config.DatabaseSettings;
import com.helix.migrations.credentials.Credentials;
import com.helix.migrations.credentials.DatabaseCredentials;
import com.helix.migrations.db.DataSources;
import com.helix.migrations.db.SqlFailures;
import com.helix.migrations.exceptions.InvalidSecretException;
import com.helix.migrations.exceptions.ProductDatabaseNotProvisionedException;
import com.helix.migrations.exceptions.ProductNotFoundException;
import com.helix.migrations.exceptions.TenantDatabaseNotProvisionedException;
import com.helix.migrations.exceptions.TenantNotFoundException;
import com.helix.migrations.target.DatabaseLocation;
import com.helix.migrations.target.Ids;
import com.helix.migrations.target.Target;
import com.helix.migrations.target.Tier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Reads the central database: where each tenant's and product's database lives. Read-only, and
 * parameterised SQL only: ids never become SQL text. The central database is found through its
 * secret (in the home region), which must say where it is; the secret is read and the first
 * connection made on first use, never when the registry is built (a SnapStart snapshot holds neither).
 */
public final class CentralRegistry {
    /** The other rows that name the same database (on the same server) as this one's {@code d}. */
    private static final String SHARED_WITH = """
            (select string_agg(o.owner, ', ' order by o.owner) from (
                select 'tenant ' || x.tenant_id as owner from tenant_databases x
                where lower(x.host) = lower(d.host) and x.port = d.port and x.database_name = d.database_name
                union all
                select 'product ' || x.tenant_product_id from product_databases x
                where lower(x.host) = lower(d.host) and x.port = d.port and x.database_name = d.database_name
            ) o where o.owner <> %s) as shared_with
            """;

    private static final String TENANT_COLUMNS = """
            t.id, t.name, t.jurisdiction, null as product_type, t.status, t.status = 'active' as active,
            d.host, d.port, d.database_name, d.secret_id,
            """ + SHARED_WITH.formatted("'tenant ' || t.id") + """
            from tenants t
            """;
    private static final String PRODUCT_COLUMNS = """
            p.id, t.name || ' ' || p.product_type as name, t.jurisdiction, p.product_type,
            case when p.status <> 'active' then p.status else t.status end as status,
            p.status = 'active' and t.status = 'active' as active,
            d.host, d.port, d.database_name, d.secret_id,
            """ + SHARED_WITH.formatted("'product ' || p.id") + """
            from tenant_products p
            join tenants t on t.id = p.tenant_id
            """;

    private final Credentials credentials;
    private final String centralSecretId;
    private final DatabaseSettings settings;
    private volatile Central central;

    /** @param centralSecretId the secret locating the central database ({@code CENTRAL_DB_SECRET_ID}) */
    public CentralRegistry(Credentials credentials, String centralSecretId, DatabaseSettings settings) {
        this.credentials = credentials;
        this.centralSecretId = centralSecretId;
        this.settings = settings;
    }

    /** The database a tier and id name: the central database itself, or a tenant's or product's, provisioned. */
    public Target find(Tier tier, String id) {
        return switch (tier) {
            case CENTRAL -> central().target();
            case TENANT -> tenant(id);
            case PRODUCT -> product(id);
        };
    }

    /** Loads the driver and the secret store's clients (SnapStart priming); reads no secret, connects nowhere. */
    public void prime() {
        credentials.prime();
        DataSources.prime();
    }

    /** The tenant, provisioned; its status is reported, not checked. */
    public Target tenant(String tenantId) {
        Target target = findOne(
                Tier.TENANT,
                "select " + TENANT_COLUMNS + "left join tenant_databases d on d.tenant_id = t.id where t.id = ?",
                tenantId);
        if (target == null) {
            throw new TenantNotFoundException(tenantId);
        }
        if (target.location() == null) {
            throw new TenantDatabaseNotProvisionedException(tenantId);
        }
        return target;
    }

    /** The tenant product, provisioned; its status (and its tenant's) is reported, not checked. */
    public Target product(String tenantProductId) {
        Target target = findOne(
                Tier.PRODUCT,
                "select " + PRODUCT_COLUMNS
                        + "left join product_databases d on d.tenant_product_id = p.id where p.id = ?",
                tenantProductId);
        if (target == null) {
            throw new ProductNotFoundException(tenantProductId);
        }
        if (target.location() == null) {
            throw new ProductDatabaseNotProvisionedException(tenantProductId);
        }
        return target;
    }

    /**
     * One page of the active, provisioned targets of a tier, in a stable order that alternates
     * between database servers.
     */
    public TargetPage list(TargetQuery query) {
        List<Object> params = new ArrayList<>();
        StringBuilder where = new StringBuilder();
        String id;
        String from;
        switch (query.tier()) {
            case TENANT -> {
                from = TENANT_COLUMNS + "join tenant_databases d on d.tenant_id = t.id";
                where.append(" where t.status = 'active'");
                id = "t.id";
            }
            case PRODUCT -> {
                from = PRODUCT_COLUMNS + "join product_databases d on d.tenant_product_id = p.id";
                where.append(" where p.status = 'active' and t.status = 'active'");
                id = "p.id";
                if (query.productType() != null) {
                    where.append(" and p.product_type = ?");
                    params.add(query.productType());
                }
            }
            default -> throw new IllegalArgumentException("only tenant and product targets are listed");
        }
        if (query.ids() != null) {
            where.append(" and ").append(id).append(" = any (?)");
            params.add(query.ids().toArray(String[]::new));
        }
        if (!query.excludeIds().isEmpty()) {
            where.append(" and ").append(id).append(" <> all (?)");
            params.add(query.excludeIds().toArray(String[]::new));
        }
        if (query.tenantIds() != null) {
            where.append(" and t.id = any (?)");
            params.add(query.tenantIds().toArray(String[]::new));
        }
        if (query.jurisdiction() != null) {
            where.append(" and t.jurisdiction = ?");
            params.add(query.jurisdiction());
        }
        // The slot numbers each server's databases 1, 2, 3…; ordering by slot first interleaves servers.
        StringBuilder sql = new StringBuilder("with listed as (select ")
                .append(from)
                .append(where)
                .append(
                        "), slotted as (select listed.*, row_number() over (partition by host, port order by id) as slot from listed)")
                .append(" select * from slotted");
        if (query.after() != null) {
            TargetQuery.Cursor after = query.after();
            sql.append(" where (slot, host, port, id) > (?, ?, ?, ?)");
            params.add(after.slot());
            params.add(after.host());
            params.add(after.port());
            params.add(after.id());
        }
        sql.append(" order by slot, host, port, id limit ?");
        int pageSize = Math.max(1, query.pageSize());
        params.add(pageSize == Integer.MAX_VALUE ? Long.MAX_VALUE : pageSize + 1L);

        List<Target> items = new ArrayList<>();
        List<TargetQuery.Cursor> cursors = new ArrayList<>();
        try (Connection connection = central().dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            bind(connection, statement, params);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    Target target = read(query.tier(), rs);
                    items.add(target);
                    cursors.add(new TargetQuery.Cursor(
                            rs.getLong("slot"),
                            target.location().host(),
                            target.location().port(),
                            target.id()));
                }
            }
        } catch (SQLException e) {
            throw SqlFailures.central("list " + query.tier() + " targets", e);
        }
        if (items.size() > pageSize) {
            items.remove(items.size() - 1);
            return new TargetPage(items, cursors.get(items.size() - 1));
        }
        return new TargetPage(items, null);
    }

    /** Every page of a listing, for in-process callers. */
    public List<Target> listAll(TargetQuery query) {
        List<Target> all = new ArrayList<>();
        TargetQuery page = query;
        while (true) {
            TargetPage result = list(page);
            all.addAll(result.items());
            if (result.next() == null) {
                return all;
            }
            page = page.next(result.next());
        }
    }

    private Target findOne(Tier tier, String sql, String id) {
        try (Connection connection = central().dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, id);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? read(tier, rs) : null;
            }
        } catch (SQLException e) {
            throw SqlFailures.central("look up " + tier + " " + id, e);
        }
    }

    /**
     * A row as a target. The row is input, written by other services: one whose id breaks the id rule,
     * whose location is not a plain host and port, names a system database or the central database,
     * or names a database another row names too, is a target that will be refused, saying why.
     */
    private Target read(Tier tier, ResultSet rs) throws SQLException {
        String id = rs.getString("id");
        String host = rs.getString("host");
        DatabaseLocation location = host == null
                ? null
                : new DatabaseLocation(
                        host, rs.getInt("port"), rs.getString("database_name"), rs.getString("secret_id"));
        String refusal = Ids.problem(id);
        if (refusal == null && location != null) {
            refusal = location.targetProblem();
            String sharedWith = rs.getString("shared_with");
            if (refusal == null && sharedWith != null) {
                refusal = "database shared with " + sharedWith;
            }
            if (refusal == null && location.sameDatabase(central().target().location())) {
                refusal = "database is the central database";
            }
        }
        return new Target(
                tier,
                id,
                rs.getString("name"),
                rs.getString("jurisdiction"),
                rs.getString("product_type"),
                rs.getBoolean("active"),
                rs.getString("status"),
                location,
                refusal);
    }

    private static void bind(Connection connection, PreparedStatement statement, List<Object> params)
            throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            Object param = params.get(i);
            if (param instanceof String[] array) {
                statement.setArray(i + 1, connection.createArrayOf("text", array));
            } else {
                statement.setObject(i + 1, param);
            }
        }
    }

    private Central central() {
        Central current = central;
        if (current == null) {
            synchronized (this) {
                current = central;
                if (current == null) {
                    current = Central.open(credentials, centralSecretId, settings);
                    central = current;
                }
            }
        }
        return current;
    }

    /** The central database: where its secret says it is. */
    private record Central(Target target, DataSource dataSource) {
        static Central open(Credentials credentials, String secretId, DatabaseSettings settings) {
            DatabaseCredentials secret = credentials.home(secretId);
            if (secret.host() == null) {
                throw new InvalidSecretException(secretId, "no host");
            }
            if (secret.dbname() == null) {
                throw new InvalidSecretException(secretId, "no dbname");
            }
            DatabaseLocation location = new DatabaseLocation(
                    secret.host(), secret.port() == null ? 5432 : secret.port(), secret.dbname(), secretId);
            if (location.problem() != null) {
                throw new InvalidSecretException(secretId, location.problem());
            }
            return new Central(Target.central(location), DataSources.postgres(location, secret, settings));
        }
    }
}
