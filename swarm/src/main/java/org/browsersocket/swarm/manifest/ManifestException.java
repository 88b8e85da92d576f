package org.browsersocket.swarm.manifest;

/**
 * A manifest, or a site it is built from, breaks a rule of the swarm manifest format; the message
 * names the rule and the offending value.
 */
public final class ManifestException extends Exception {

    private static final long serialVersionUID = 1L;

    public ManifestException(String message) {
        super(message);
    }

    public ManifestException(String message, Throwable cause) {
        super(message, cause);
    }
}
