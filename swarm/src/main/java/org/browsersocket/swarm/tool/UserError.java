package org.browsersocket.swarm.tool;

/**
 * A mistake of the user's (a bad flag value, a missing directory, a key of the wrong kind):
 * reported as one line on standard error, without a stack trace, and the command exits with
 * {@link #exitCode}.
 */
final class UserError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    UserError(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
