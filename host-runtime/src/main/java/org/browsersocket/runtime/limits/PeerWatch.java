package org.browsersocket.runtime.limits;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Watches one peer connection from its first byte: the bytes it sent since its last complete
 * message are held by the runtime (in the HTTP and WebSocket decoders), so they are charged to the
 * {@link MemoryBudget} until the message completes; and the peer must meet its deadlines (upgrade
 * request, message completion, idleness). A peer that fails is told so by an {@link Overrun} event,
 * which the handler in charge of the connection turns into a refusal or a close frame.
 */
public final class PeerWatch extends ChannelInboundHandlerAdapter {
    /** The peer must be closed: with this WebSocket close code (or HTTP refusal) and reason. */
    public record Overrun(int code, String reason) {}

    /** The open connection has been silent for the idle timeout: ping it. */
    public static final Object IDLE = new Object() {
        @Override
        public String toString() {
            return "idle";
        }
    };

    private final PeerLimits limits;
    private final MemoryBudget budget;
    private final WatchSweeps sweeps;
    private ChannelHandlerContext ctx;
    private WatchSweep sweep;          // the event loop's, while this connection is timed
    int sweepIndex = -1;               // where in it
    private long held;                 // bytes charged for the message in progress
    private long messageStartedNanos;  // when the message in progress began (held > 0)
    private final long connectedNanos = System.nanoTime();
    private long lastReadNanos = connectedNanos;
    private boolean upgraded;
    private boolean inExchange;        // an HTTP request is being served (not an upgrade)
    private boolean requestPending;    // ... and its body is still arriving
    private long awaitingSinceNanos = connectedNanos; // when the connection began waiting for its next request
    private boolean pinged;
    private boolean overrun;
    private boolean stopped;

    /** Times the peer with {@code sweeps} (shared by the public port's connections, made with the same limits). */
    public PeerWatch(PeerLimits limits, MemoryBudget budget, WatchSweeps sweeps) {
        this.limits = limits;
        this.budget = budget;
        this.sweeps = sweeps;
    }

    /** The upgrade request arrived and the connection is a WebSocket from now on. */
    public void upgraded() {
        upgraded = true;
        messageCompleted();
    }

    /**
     * An HTTP request (not an upgrade) began: until {@link #requestRead} its body must keep
     * arriving (no silence longer than the message timeout); after that nothing is timed here until
     * {@link #exchangeEnded}: the response's deadline belongs to whoever serves it.
     */
    public void exchangeStarted() {
        inExchange = true;
        requestPending = true;
    }

    /** The HTTP request's body is complete. */
    public void requestRead() {
        requestPending = false;
    }

    /** The HTTP exchange is over and the connection stays open: its next request is timed from now. */
    public void exchangeEnded() {
        inExchange = false;
        awaitingSinceNanos = System.nanoTime();
    }

    /** A whole message (or control frame, or the upgrade request) arrived: its bytes are the page's now. */
    public void messageCompleted() {
        budget.release(held);
        held = 0;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            startClock(); // a connection handed over after it opened (a relayed peer)
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        startClock();
        ctx.fireChannelActive();
    }

    private void startClock() {
        if (sweep != null || stopped) {
            return;
        }
        sweep = sweeps.on(ctx.executor());
        sweep.add(this);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes && !overrun) {
            int n = bytes.readableBytes();
            lastReadNanos = System.nanoTime();
            pinged = false;
            if (held == 0) {
                messageStartedNanos = lastReadNanos;
            }
            if (!budget.tryReserve(n)) {
                bytes.release();
                overrun(1013, "the runtime's memory for peers is exhausted; try again later");
                return;
            }
            held += n;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stop();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    private void stop() {
        stopped = true;
        if (sweep != null) {
            sweep.remove(this);
            sweep = null;
        }
        messageCompleted();
    }

    /** Called by the event loop's sweep, on the loop, with the sweep's time. */
    void tick(long now) {
        if (overrun) {
            return;
        }
        if (!upgraded) {
            if (inExchange) {
                if (requestPending && now - lastReadNanos > limits.messageTimeout().toNanos()) {
                    overrun(1008, "the request stalled: nothing arrived for " + seconds(limits.messageTimeout().toMillis()));
                }
            } else if (now - awaitingSinceNanos > limits.handshakeTimeout().toNanos()) {
                overrun(1008, "no complete request within " + seconds(limits.handshakeTimeout().toMillis()));
            }
        } else if (held > 0 && now - messageStartedNanos > limits.messageTimeout().toNanos()) {
            overrun(1008, "a message was not completed within " + seconds(limits.messageTimeout().toMillis()));
        } else if (now - lastReadNanos > limits.idleTimeout().toNanos()) {
            if (pinged) {
                overrun(1001, "idle for " + seconds(2 * limits.idleTimeout().toMillis()));
            } else {
                pinged = true;
                lastReadNanos = now;
                ctx.fireUserEventTriggered(IDLE);
            }
        }
    }

    private void overrun(int code, String reason) {
        overrun = true;
        ctx.fireUserEventTriggered(new Overrun(code, reason));
    }

    private static String seconds(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }
}
