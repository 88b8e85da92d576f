package org.browsersocket.runtime.mapping;

/** A gateway answered but refused, or a mapping could not be kept; the message says why. */
final class MappingException extends Exception {
    MappingException(String message) {
        super(message);
    }
}
