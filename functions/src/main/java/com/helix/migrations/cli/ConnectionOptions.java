package com.helix.migrations.cli;

import com.helix.migrations.config.MigrationsConfig;
import com.helix.migrations.core.Platform;
import com.helix.migrations.exceptions.InvalidConfigurationException;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where the central database, the secrets and the migrations are. Each flag falls back to the
 * environment variable the Lambda functions read, so one configuration serves both.
 */
final class ConnectionOptions {
    @Option(
            names = "--central-secret-id",
            paramLabel = "ID",
            description =
                    "Secret whose JSON has the central database's host, port, dbname, username, password (env CENTRAL_DB_SECRET_ID).")
    String centralSecretId;

    @Option(
            names = "--secrets",
            paramLabel = "aws|file:PATH",
            description =
                    "Where secrets come from: aws (Secrets Manager) or file:PATH, a JSON object of secret id to secret JSON (env SECRETS_FILE). Default: file when SECRETS_FILE is set, else aws.")
    String secrets;

    @Mixin
    MigrationsOption migrations;

    @Option(
            names = "--jurisdiction-regions",
            paramLabel = "LIST",
            description = "Jurisdiction to region, e.g. uk=eu-west-2,eu=eu-central-1 (env JURISDICTION_REGIONS).")
    String jurisdictionRegions;

    @Option(names = "--region", paramLabel = "REGION", description = "Region of the central secret (env AWS_REGION).")
    String region;

    @Option(
            names = "--ssl-mode",
            paramLabel = "MODE",
            description =
                    "The driver's sslmode for every connection: disable, allow, prefer, require, verify-ca or verify-full"
                            + " (env DB_SSL_MODE; default verify-full: a certificate signed by the RDS roots, or DB_SSL_ROOT_CERT's, naming the host).")
    String sslMode;

    /** The platform the flags and the environment describe. */
    Platform platform(Map<String, String> env) {
        return Platform.fromConfig(config(env));
    }

    /** The flags laid over the environment, read as the functions read it. */
    MigrationsConfig config(Map<String, String> env) {
        Map<String, String> merged = new HashMap<>(env);
        put(merged, "CENTRAL_DB_SECRET_ID", centralSecretId);
        migrations.putInto(merged);
        put(merged, "JURISDICTION_REGIONS", jurisdictionRegions);
        put(merged, "AWS_REGION", region);
        put(merged, "DB_SSL_MODE", sslMode);
        if (secrets != null) {
            if (secrets.equals("aws")) {
                merged.remove("SECRETS_FILE");
            } else if (secrets.startsWith("file:") && secrets.length() > "file:".length()) {
                merged.put("SECRETS_FILE", secrets.substring("file:".length()));
            } else {
                throw new InvalidConfigurationException("--secrets must be aws or file:PATH, not '" + secrets + "'");
            }
        }
        return MigrationsConfig.fromEnvironment(merged);
    }

    private static void put(Map<String, String> env, String name, String value) {
        if (value != null) {
            env.put(name, value);
        }
    }
}
