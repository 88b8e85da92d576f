package org.browsersocket.runtime.relay;

import io.netty.channel.Channel;

/**
 * Waits for a registrant's attach connection ({@link RelayHub#dial}): a relayed WebSocket peer, or
 * an HTTP request the relay's agent passes on to a page.
 */
public interface AttachWaiter {
    /**
     * The registrant attached for this waiter: {@code attach} has had its 101, holds only TLS and
     * admission in its pipeline, and is not reading. It is on the attach connection's event loop.
     */
    void attached(Channel attach);
}
