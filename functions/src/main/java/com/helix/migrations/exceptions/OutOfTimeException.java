package com.helix.migrations.exceptions;

import java.time.Duration;

/**
 * Too little of the function's time is left to start on a database. Nothing was started; a retry
 * (a fresh invocation, with its full time) can succeed.
 */
public class OutOfTimeException extends MigrationsException {
    public OutOfTimeException(Duration left, Duration needed) {
        super(
                ErrorCode.OUT_OF_TIME,
                "Not enough time left: " + left.toSeconds() + " s remain, " + needed.toSeconds()
                        + " s are needed to start a database");
    }
}
