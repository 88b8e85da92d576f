package org.browsersocket.runtime.relay.agent;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import org.browsersocket.runtime.limits.PeerWatch;

/**
 * The agent on a client's connection, just before the handler that dispatches requests: one
 * exchange at a time, and requests that arrive meanwhile (pipelined) wait their turn, so that
 * responses go out in order. It passes the client's writability to the exchange (backpressure)
 * and keeps the connection alive between requests until it idles out.
 */
final class ClientSide extends ChannelInboundHandlerAdapter {
    static final String NAME = "relay-agent";
    /** Messages (request heads, body pieces) a client may send ahead of the answer to the current request. */
    private static final int MAX_QUEUED = 64;

    /** What answers the current request. */
    interface Exchange {
        /** The client can take more of the response. */
        void clientWritable();

        /** The client's connection closed. */
        void clientGone();

        /** Whether the request's body is still arriving as content after its head (it was not handed over whole). */
        default boolean readingBody() {
            return false;
        }

        /** A piece of the request's body ({@link #readingBody}); the exchange releases it. */
        default void requestContent(HttpContent content) {
            content.release();
        }
    }

    private final ArrayDeque<Object> queued = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private Exchange current;
    private boolean draining;

    private ClientSide() {}

    /** The agent of the connection whose dispatching handler is {@code dispatcher}, added on its first request. */
    static ClientSide on(ChannelHandlerContext dispatcher) {
        ClientSide existing = dispatcher.pipeline().get(ClientSide.class);
        if (existing != null) {
            return existing;
        }
        ClientSide side = new ClientSide();
        dispatcher.pipeline().addBefore(dispatcher.name(), NAME, side);
        PeerWatch watch = dispatcher.pipeline().get(PeerWatch.class);
        if (watch != null) {
            // From now on the connection lives by the idle and message deadlines, as a WebSocket
            // does, rather than by the deadline for a first request.
            watch.upgraded();
        }
        return side;
    }

    ChannelHandlerContext ctx() {
        return ctx;
    }

    /** {@code exchange} answers the current request; nothing more is read until it ends. */
    void begin(Exchange exchange) {
        current = exchange;
        ctx.channel().config().setAutoRead(false);
        PeerWatch watch = ctx.pipeline().get(PeerWatch.class);
        if (watch != null) {
            watch.messageCompleted(); // the request is the exchange's now, body and all
        }
    }

    /** Lets the client send body content (a non-aggregated request) until {@link #pause}. */
    void resume() {
        if (ctx.channel().isActive()) {
            ctx.channel().config().setAutoRead(true);
            ctx.read();
        }
    }

    void pause() {
        ctx.channel().config().setAutoRead(false);
    }

    /**
     * The current exchange is over (its response written). With {@code keepAlive} the next
     * request is served; without, the exchange closes the connection once its response is out.
     */
    void end(Exchange exchange, boolean keepAlive) {
        if (current != exchange) {
            return;
        }
        current = null;
        if (!keepAlive) {
            releaseQueued();
            return;
        }
        if (draining) {
            return; // the loop below goes on
        }
        draining = true;
        try {
            while (current == null && !queued.isEmpty() && ctx.channel().isActive()) {
                ctx.fireChannelRead(queued.poll());
            }
        } finally {
            draining = false;
        }
        if (current == null) {
            resume();
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (current == null && queued.isEmpty()) {
            ctx.fireChannelRead(msg);
        } else if (queued.isEmpty() && current != null && current.readingBody()
                && msg instanceof HttpContent content && !(msg instanceof HttpRequest)) {
            PeerWatch watch = ctx.pipeline().get(PeerWatch.class);
            if (watch != null) {
                watch.messageCompleted(); // the piece is the exchange's now (on its way to the page)
            }
            current.requestContent(content);
        } else if (queued.size() < MAX_QUEUED) {
            queued.add(msg); // a request sent ahead (pipelined), and everything after it, waits its turn
        } else {
            ReferenceCountUtil.release(msg);
            ctx.close(); // far more pipelined requests than any client sends
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (current != null && ctx.channel().isWritable()) {
            current.clientWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == PeerWatch.IDLE) {
            if (current == null) {
                ctx.close(); // a kept-alive connection nobody uses
            }
            return; // (a client waiting for a long response sends nothing meanwhile)
        }
        if (event instanceof PeerWatch.Overrun && current != null) {
            ctx.close(); // a request body not completed in time, or no memory left: the exchange ends with it
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Exchange gone = current;
        current = null;
        if (gone != null) {
            gone.clientGone();
        }
        releaseQueued();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseQueued();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private void releaseQueued() {
        Object msg;
        while ((msg = queued.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }
}
