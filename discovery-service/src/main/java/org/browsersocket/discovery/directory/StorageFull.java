package org.browsersocket.discovery.directory;

/**
 * A write refused because the service holds as many stored bytes as it may
 * ({@code --max-stored-bytes}); JSON answers 507, XML-RPC "over capacity" (1).
 */
public final class StorageFull extends RuntimeException {
    /** The message every refusal carries. */
    public static final String MESSAGE = "the service's storage is full; try again later (values expire and make room)";

    public StorageFull() {
        super(MESSAGE, null, false, false);
    }
}
