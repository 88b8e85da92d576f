package org.browsersocket.runtime.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.browsersocket.runtime.http.HttpResponses;

/**
 * A peer that asked the relay for a registrant's prefix, from its upgrade request until the
 * registrant's attach connection takes it (or the wait ends with 504).
 */
final class RelayedPeer implements AttachWaiter {
    private final ChannelHandlerContext ctx;
    private final FullHttpRequest request;
    private final Registrant registrant;
    private ScheduledFuture<?> deadline;

    private RelayedPeer(ChannelHandlerContext ctx, FullHttpRequest request, Registrant registrant) {
        this.ctx = ctx;
        this.request = request;
        this.registrant = registrant;
    }

    /** Asks the registrant to attach for this peer; the request is held (and released) here. */
    static void await(ChannelHandlerContext ctx, FullHttpRequest request, Registrant registrant, RelayHub hub,
                      int waitMillis, String remoteAddress) {
        if (!registrant.connected()) {
            HttpResponses.send(ctx, request, unavailable("the page's runtime is reconnecting to this relay"));
            request.release();
            return;
        }
        if (registrant.connections.incrementAndGet() > hub.limits().maxConnections()) {
            registrant.connections.decrementAndGet();
            HttpResponses.send(ctx, request, unavailable("the relay's limit of " + hub.limits().maxConnections()
                    + " connections for this page's runtime is reached"));
            request.release();
            return;
        }
        RelayedPeer peer = new RelayedPeer(ctx, request, registrant);
        ctx.channel().config().setAutoRead(false); // nothing may follow the upgrade request until the 101
        String stream = hub.await(peer);
        peer.deadline = ctx.executor().schedule(() -> {
            hub.giveUp(stream, peer);
            peer.refuse(HttpResponseStatus.GATEWAY_TIMEOUT, "the page's runtime did not take the connection in time");
        }, waitMillis, TimeUnit.MILLISECONDS);
        String prefix = org.browsersocket.runtime.routing.PrefixMinter.prefixOf(
                new io.netty.handler.codec.http.QueryStringDecoder(request.uri()).rawPath());
        registrant.send(hub.codec().encode(new RelayMessage.Dial(stream, prefix, remoteAddress)));
    }

    private static io.netty.handler.codec.http.FullHttpResponse unavailable(String why) {
        var response = new io.netty.handler.codec.http.DefaultFullHttpResponse(
                io.netty.handler.codec.http.HttpVersion.HTTP_1_1, HttpResponseStatus.SERVICE_UNAVAILABLE,
                io.netty.buffer.Unpooled.copiedBuffer("503 Service Unavailable: " + why + "\n", StandardCharsets.UTF_8));
        response.headers().set("Content-Type", "text/plain; charset=utf-8").set("Retry-After", HttpResponses.RETRY_AFTER_SECONDS);
        return response;
    }

    private void refuse(HttpResponseStatus status, String detail) {
        registrant.connections.decrementAndGet();
        ctx.channel().config().setAutoRead(true);
        HttpResponses.sendStatus(ctx, request, status, detail);
        request.release();
    }

    /**
     * The registrant attached: the peer's request goes to it and the two connections are spliced,
     * if the peer still waits.
     */
    @Override
    public void attached(Channel attach) {
        Channel peerChannel = ctx.channel();
        if (!takeOver(attach)) {
            attach.close();
            return;
        }
        Splice.join(peerChannel, attach, registrant);
        attach.flush();
        // Both sides of a relayed peer on one event loop: each byte passed on is then a plain
        // write, not a hand-over between threads. The peer has nothing in flight (it is not read
        // until now), so it is the one that moves.
        peerChannel.deregister().addListener(deregistered -> attach.eventLoop().register(peerChannel)
                .addListener(registered -> {
                    if (!registered.isSuccess()) {
                        peerChannel.close();
                        attach.close();
                        return;
                    }
                    RelayEndpoints.makeRaw(peerChannel.pipeline());
                    peerChannel.config().setAutoRead(true);
                    attach.config().setAutoRead(true);
                }));
    }

    /** Whether this peer was still waiting (then its request is on its way to the registrant). */
    private boolean takeOver(Channel attach) {
        if (!deadline.cancel(false)) {
            return false;
        }
        Channel peer = ctx.channel();
        if (!peer.isActive()) {
            registrant.connections.decrementAndGet();
            request.release();
            return false;
        }
        registrant.peerRelayed();
        attach.write(encode(attach, request));
        request.release();
        return true;
    }

    Channel channel() {
        return ctx.channel();
    }

    Registrant registrant() {
        return registrant;
    }

    /** The peer's upgrade request as it came (headers unchanged), for the registrant's runtime to answer. */
    private static ByteBuf encode(Channel to, FullHttpRequest request) {
        StringBuilder head = new StringBuilder(512);
        head.append(request.method().name()).append(' ').append(request.uri()).append(" HTTP/1.1\r\n");
        for (Map.Entry<String, String> header : request.headers()) {
            head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
        }
        head.append("\r\n");
        ByteBuf bytes = to.alloc().buffer(head.length() + request.content().readableBytes());
        bytes.writeCharSequence(head, StandardCharsets.ISO_8859_1);
        bytes.writeBytes(request.content(), request.content().readerIndex(), request.content().readableBytes());
        return bytes;
    }
}
