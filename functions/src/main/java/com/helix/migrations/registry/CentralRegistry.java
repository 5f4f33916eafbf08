package com.helix.migrations.registry;

import com.helix.migrations.db.SqlFailures;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the central database: where each tenant's and product's database lives. Read-only, and
 * parameterised SQL only: ids never become SQL text.
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

    private final CentralDatabase central;

    public CentralRegistry(CentralDatabase central) {
        this.central = central;
    }

    /** The database a tier and id name: the central database itself, or a tenant's or product's, provisioned. */
    public Target find(Tier tier, String id) {
        return switch (tier) {
            case CENTRAL -> central.target();
            case TENANT -> tenant(id);
            case PRODUCT -> product(id);
        };
    }

    /** Loads the driver and the secret store's clients (SnapStart priming); reads no secret, connects nowhere. */
    public void prime() {
        central.prime();
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
     * The databases of these ids that are in the registry, whatever their status (each reported, not
     * checked), looked up in one query: a run's frozen databases, resolved when their tier starts.
     */
    public Map<String, Target> findAll(Tier tier, List<String> ids) {
        String sql = switch (tier) {
            case TENANT ->
                "select " + TENANT_COLUMNS + "join tenant_databases d on d.tenant_id = t.id where t.id = any (?)";
            case PRODUCT ->
                "select " + PRODUCT_COLUMNS
                        + "join product_databases d on d.tenant_product_id = p.id where p.id = any (?)";
            case CENTRAL -> throw new IllegalArgumentException("central is one database");
        };
        Map<String, Target> found = new HashMap<>();
        try (Connection connection = central.connection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setArray(1, connection.createArrayOf("text", ids.toArray()));
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    Target target = read(tier, rs);
                    found.put(target.id(), target);
                }
            }
        } catch (SQLException e) {
            throw SqlFailures.central("look up " + tier + " targets", e);
        }
        return found;
    }

    /** Every active, provisioned target a query selects, by id: what a run would freeze now. */
    public List<Target> list(TargetQuery query) {
        Listing listing = listing(query, query.tier() == Tier.TENANT ? TENANT_COLUMNS : PRODUCT_COLUMNS);
        List<Target> targets = new ArrayList<>();
        try (Connection connection = central.connection();
                PreparedStatement statement = connection.prepareStatement(listing.sql() + " order by id")) {
            listing.bind(connection, statement, 1);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    targets.add(read(query.tier(), rs));
                }
            }
        } catch (SQLException e) {
            throw SqlFailures.central("list " + query.tier() + " targets", e);
        }
        return targets;
    }

    /**
     * The select of a query's active, provisioned targets, for the run ledger to freeze: columns
     * {@code tier, target_id, name, product_type, host, port, tenant_id, jurisdiction}. The host never leaves the
     * central database.
     */
    public Listing listing(TargetQuery query) {
        return listing(
                query,
                switch (query.tier()) {
                    case TENANT ->
                        "'tenant' as tier, t.id as target_id, t.name, null::text as product_type, d.host, d.port, "
                                + "t.id as tenant_id, t.jurisdiction from tenants t ";
                    case PRODUCT ->
                        "'product' as tier, p.id as target_id, t.name || ' ' || p.product_type as name, "
                                + "p.product_type, d.host, d.port, t.id as tenant_id, t.jurisdiction "
                                + "from tenant_products p join tenants t on t.id = p.tenant_id ";
                    case CENTRAL -> throw new IllegalArgumentException("only tenant and product targets are listed");
                });
    }

    private static Listing listing(TargetQuery query, String columns) {
        List<Object> params = new ArrayList<>();
        StringBuilder sql = new StringBuilder("select ").append(columns);
        String id;
        switch (query.tier()) {
            case TENANT -> {
                sql.append(" join tenant_databases d on d.tenant_id = t.id where t.status = 'active'");
                id = "t.id";
            }
            case PRODUCT -> {
                sql.append(" join product_databases d on d.tenant_product_id = p.id"
                        + " where p.status = 'active' and t.status = 'active'");
                id = "p.id";
                if (query.productType() != null) {
                    sql.append(" and p.product_type = ?");
                    params.add(query.productType());
                }
            }
            default -> throw new IllegalArgumentException("only tenant and product targets are listed");
        }
        if (query.ids() != null) {
            sql.append(" and ").append(id).append(" = any (?)");
            params.add(query.ids().toArray(String[]::new));
        }
        if (!query.excludeIds().isEmpty()) {
            sql.append(" and ").append(id).append(" <> all (?)");
            params.add(query.excludeIds().toArray(String[]::new));
        }
        if (query.tenantIds() != null) {
            sql.append(" and t.id = any (?)");
            params.add(query.tenantIds().toArray(String[]::new));
        }
        if (query.jurisdiction() != null) {
            sql.append(" and t.jurisdiction = ?");
            params.add(query.jurisdiction());
        }
        return new Listing(sql.toString(), List.copyOf(params));
    }

    /** A parameterised select: our SQL text, and the values bound to it (never spliced into the text). */
    public record Listing(String sql, List<Object> params) {
        /**
         * Binds the values from the given parameter index on.
         *
         * @return the index after the last one bound
         */
        public int bind(Connection connection, PreparedStatement statement, int first) throws SQLException {
            int index = first;
            for (Object param : params) {
                if (param instanceof String[] array) {
                    statement.setArray(index++, connection.createArrayOf("text", array));
                } else {
                    statement.setObject(index++, param);
                }
            }
            return index;
        }
    }

    private Target findOne(Tier tier, String sql, String id) {
        try (Connection connection = central.connection();
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
            if (refusal == null && location.sameDatabase(central.target().location())) {
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
}
