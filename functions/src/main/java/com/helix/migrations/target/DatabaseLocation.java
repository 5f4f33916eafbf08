package com.helix.migrations.target;

/**
 * Where a database lives and which secret opens it. Holds no credentials.
 *
 * @param secretId the Secrets Manager secret, in the target's jurisdiction, with the username and password
 */
public record DatabaseLocation(String host, int port, String databaseName, String secretId) {}
