package com.helix.migrations.exceptions;

/**
 * The run was stopped (Ctrl-C, SIGTERM) while this database was in progress: the statement it was
 * running was cancelled, so a transactional migration was rolled back. Only a CLI run is stopped this
 * way; running it again carries on.
 */
public class RunInterruptedException extends MigrationsException {
    public RunInterruptedException(String reason, String failure) {
        super(ErrorCode.INTERRUPTED, "Interrupted by " + reason + ": " + failure);
    }
}
