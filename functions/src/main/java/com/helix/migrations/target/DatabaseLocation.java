package com.helix.migrations.target;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where a database lives and which secret opens it. Holds no credentials.
 *
 * @param secretId the Secrets Manager secret, in the target's jurisdiction, with the username and password
 */
public record DatabaseLocation(String host, int port, String databaseName, String secretId) {
    /** A host name (letters, digits, hyphens, in dot-separated labels) or an IPv4 address. */
    private static final Pattern HOST_NAME = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    /** An IPv6 address, written plainly. */
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    /** Databases every PostgreSQL server has: never a tenant's or product's. */
    private static final Set<String> SYSTEM_DATABASES = Set.of("postgres", "template0", "template1");

    /**
     * Why this location cannot be connected to, or null. Nothing but a plain host name or IP address and
     * a port from 1 to 65535 goes into a connection: a host holding a port, a path or connection
     * parameters would connect somewhere else, or with other settings, than the one reported.
     */
    public String problem() {
        if (host == null || host.isBlank()) {
            return "host is empty";
        }
        if (!HOST_NAME.matcher(host).matches() && !(IPV6.matcher(host).matches() && host.contains(":"))) {
            return "host " + Ids.quote(host) + " is not a host name or IP address";
        }
        if (port < 1 || port > 65_535) {
            return "port " + port + " is not from 1 to 65535";
        }
        if (databaseName == null || databaseName.isBlank()) {
            return "database name is empty";
        }
        return null;
    }

    /** Why this location cannot be a tenant's or product's database, or null: its {@link #problem}, or a system database. */
    public String targetProblem() {
        String problem = problem();
        if (problem == null && SYSTEM_DATABASES.contains(databaseName.toLowerCase(Locale.ROOT))) {
            return "database " + Ids.quote(databaseName) + " is a system database";
        }
        return problem;
    }

    /** The host as the driver takes it: an IPv6 address in brackets. */
    public String driverHost() {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /** Whether both name the same database on the same server. */
    public boolean sameDatabase(DatabaseLocation other) {
        return other != null
                && host.equalsIgnoreCase(other.host)
                && port == other.port
                && databaseName.equals(other.databaseName);
    }
}
