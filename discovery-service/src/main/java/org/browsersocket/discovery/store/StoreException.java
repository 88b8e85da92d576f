package org.browsersocket.discovery.store;

/** The backing store failed (disk, SQLite or Redis); the message names the store and the cause. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
