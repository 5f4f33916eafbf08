package com.helix.migrations.credentials;

/**
 * The standard RDS secret JSON: {@code username} and {@code password}, and optionally {@code host},
 * {@code port}, {@code dbname} and {@code engine}. {@link #toString()} never shows the password.
 */
public record DatabaseCredentials(String username, String password, String host, Integer port, String dbname) {

    @Override
    public String toString() {
        return "DatabaseCredentials[username=" + username + ", password=****, host=" + host + ", port=" + port
                + ", dbname=" + dbname + "]";
    }
}
