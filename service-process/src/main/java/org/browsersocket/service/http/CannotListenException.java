package org.browsersocket.service.http;

/** The server could not bind its port (already in use, not permitted, ...). */
public final class CannotListenException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int port;

    CannotListenException(int port, Throwable cause) {
        super("cannot listen on port " + port + ": " + reason(cause), cause);
        this.port = port;
    }

    /** The port that was asked for. */
    public int port() {
        return port;
    }

    /** The innermost message, e.g. "Address already in use" rather than Jetty's wrapper text. */
    private static String reason(Throwable failure) {
        String reason = null;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                reason = t.getMessage();
            }
        }
        return reason != null ? reason : failure.getClass().getSimpleName();
    }
}
