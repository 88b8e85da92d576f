package org.browsersocket.discovery.directory;

/** A request the directory refuses, with a reason fit to show the caller (never echoing input). */
public final class BadRequest extends RuntimeException {
    public BadRequest(String reason) {
        super(reason, null, false, false);
    }
}
