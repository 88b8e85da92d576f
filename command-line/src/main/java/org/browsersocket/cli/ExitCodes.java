package org.browsersocket.cli;

/**
 * The exit codes every BrowserSocket jar uses (README, "Exit codes"): 0 when the command did its
 * work (or printed help or version), 1 when it failed at run time (a busy port, a store that
 * cannot be opened, a failed benchmark), 2 when the command line itself is wrong.
 */
public final class ExitCodes {
    /** Done, or help or version printed. */
    public static final int OK = 0;
    /** A failure while running: a port already in use, a missing file, a failed run. */
    public static final int FAILURE = 1;
    /** A bad command line: unknown flag, bad value, flags that do not go together. */
    public static final int BAD_USAGE = 2;

    private ExitCodes() {
    }
}
