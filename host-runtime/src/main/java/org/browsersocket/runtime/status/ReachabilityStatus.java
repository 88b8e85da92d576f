package org.browsersocket.runtime.status;

import java.util.List;
import org.browsersocket.protocol.ControlMessage.Candidate;
import org.browsersocket.runtime.relay.link.RelayLink;

/**
 * How other networks reach this runtime, for the status page: the live candidates, the relays it
 * is registered with, and (when it serves as a relay) who is registered with it.
 */
public record ReachabilityStatus(List<Candidate> candidates, List<RelayLink.Status> relays, RelayServed relayServed) {
    /** This runtime as a relay: open or private, and its registrants. */
    public record RelayServed(boolean open, List<RegistrantStatus> registrants) {}

    /** One registered runtime (named by a short hash of its key, never the key). */
    public record RegistrantStatus(String name, boolean connected, String since, int routes, int connections,
                                   long relayedPeers, long relayedBytes) {}
}
