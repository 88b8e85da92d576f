package org.browsersocket.discovery.directory;

/**
 * A removal whose secret does not match the value's. Each interface answers it its own way: the
 * JSON API refuses it clearly (400), while XML-RPC answers 0 as OpenDHT did (the removal simply
 * matched nothing), since existing OpenDHT clients do not expect a fault there.
 */
public final class WrongSecret extends RuntimeException {
    public WrongSecret() {
        super("wrong secret for that value (or the value is not removable)", null, false, false);
    }
}
