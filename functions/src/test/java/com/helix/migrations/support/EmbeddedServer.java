package com.helix.migrations.support;

import com.helix.migrations.demo.DatabaseServer;
import com.helix.migrations.demo.EmbeddedDemoServer;

/**
 * One real PostgreSQL per test JVM, from Maven Central (the demo's server). The application role logs
 * in with a password (scram-sha-256), so a wrong or leaked password behaves as it would on RDS.
 */
public final class EmbeddedServer {
    /** Distinctive, so that a test can search every output for it. */
    public static final String APP_PASSWORD = "pw-Zq8!kV3#tenant-SECRET-7731";

    public static final String APP_USER = "helix_app";

    private static DatabaseServer server;

    private EmbeddedServer() {}

    public static synchronized DatabaseServer get() {
        if (server == null) {
            server = EmbeddedDemoServer.start(APP_USER, APP_PASSWORD).server();
        }
        return server;
    }
}
