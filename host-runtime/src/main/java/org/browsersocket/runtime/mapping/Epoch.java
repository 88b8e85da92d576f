package org.browsersocket.runtime.mapping;

/**
 * A gateway's epoch (seconds since it started, PCP and NAT-PMP) with the local time it was seen.
 * A later observation that does not continue it means the gateway lost its mappings
 * (RFC 6887 §8.5, RFC 6886 §3.6).
 */
record Epoch(long serverSeconds, long clientMillis) {
    /** Whether {@code later} is consistent with this one: no reboot in between. */
    boolean continuedBy(Epoch later) {
        if (later.serverSeconds + 1 < serverSeconds) {
            return false;
        }
        long clientDelta = (later.clientMillis - clientMillis) / 1000;
        long serverDelta = later.serverSeconds - serverSeconds;
        return clientDelta + 2 >= serverDelta - serverDelta / 16 && serverDelta + 2 >= clientDelta - clientDelta / 16;
    }
}
