package org.browsersocket.runtime.relay;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.browsersocket.runtime.relay.link.AttachedPeerSink;
import org.browsersocket.runtime.relay.link.RelayLinks;
import org.browsersocket.runtime.routing.PrefixMinter;
import org.browsersocket.runtime.routing.Router;
import org.browsersocket.runtime.testing.Await;

/**
 * A registrant made of the runtime's own relay links and, for its pages, a stand-in that answers
 * plain HTTP on the attach connections with canned responses and keeps every request it saw.
 */
final class HttpRegistrant implements AutoCloseable {
    /** A request that reached the page. */
    record Seen(String method, String uri, HttpHeaders headers, String body) {}

    /**
     * What the page answers: {@code headers} as name, value, name, value…; with {@code pieces} > 1
     * the body is sent chunked, in that many pieces; with 0, in 64 KiB pieces, each written only
     * when the connection to the relay is writable (so the page is held back by the relay).
     */
    record Canned(int status, List<String> headers, byte[] body, int pieces) {
        static Canned of(int status, String body, String... headers) {
            return new Canned(status, List.of(headers), body.getBytes(StandardCharsets.UTF_8), 1);
        }
    }

    /** Bytes of flowing bodies the page has written (and the relay's connection took). */
    final java.util.concurrent.atomic.AtomicLong flowed = new java.util.concurrent.atomic.AtomicLong();
    /** Since when a flowing body has been held back (System.nanoTime()), or 0 while it flows. */
    volatile long heldBackSince;

    private final NioEventLoopGroup group = new NioEventLoopGroup(1);
    private final Router<Object> router = new Router<>(new PrefixMinter(), 4, 10, TimeUnit.MINUTES, 100);
    private final RelayLinks links;
    final List<Seen> seen = new CopyOnWriteArrayList<>();
    private volatile Function<Seen, Canned> page = request -> Canned.of(404, "no such page");

    HttpRegistrant(int relayPort) {
        this(URI.create("ws://127.0.0.1:" + relayPort), null);
    }

    /** Registered with the relay at {@code relay} ({@code wss://} with {@code tls}). */
    HttpRegistrant(URI relay, io.netty.handler.ssl.SslContext tls) {
        links = new RelayLinks(List.of(relay), null, org.browsersocket.runtime.Transport.of(org.browsersocket.runtime.Transport.Kind.NIO),
                group, tls, router,
                new AttachedPeerSink() {
                    @Override
                    public void adopt(Channel channel, String peerAddress) {
                        channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new Page());
                    }

                    @Override
                    public EventLoop eventLoopFor(String prefix) {
                        return null;
                    }
                }, () -> {});
    }

    /** A listener of the page: its prefix, once the relay routes it. */
    String listen() {
        String prefix = listenNow();
        awaitRouted(router.boundPrefixes().size());
        return prefix;
    }

    /** A listener of the page, whose route the relay may not have added yet. */
    String listenNow() {
        Router.Slot<Object> slot = router.slot(router.mint(), 0);
        router.bind(slot, new Object());
        return slot.prefix();
    }

    /** The listener of {@code prefix} stops (the link asks the relay to drop the route). */
    void stopListening(String prefix) {
        router.release(router.slot(prefix));
    }

    private void awaitRouted(int routes) {
        Await.until(() -> "the relay routes " + routes + " prefixes: " + links.links().get(0).status(), Await.DEFAULT,
                () -> links.links().get(0).registered() && links.links().get(0).status().routes() == routes);
    }

    void answering(Function<Seen, Canned> answer) {
        page = answer;
    }

    /** The requests for {@code uri} the page saw. */
    long requests(String uri) {
        return seen.stream().filter(s -> s.uri().equals(uri)).count();
    }

    Seen last() {
        return seen.get(seen.size() - 1);
    }

    RelayLinks agents() {
        return links;
    }

    @Override
    public void close() {
        links.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Page extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            Seen request1 = new Seen(request.method().name(), request.uri(), request.headers().copy(),
                    request.content().toString(StandardCharsets.UTF_8));
            seen.add(request1);
            Canned canned = page.apply(request1);
            if (canned.pieces() == 1) {
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        HttpResponseStatus.valueOf(canned.status()), Unpooled.wrappedBuffer(canned.body()));
                addHeaders(response, canned);
                HttpUtil.setContentLength(response, canned.body().length);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(canned.status()));
            addHeaders(head, canned);
            HttpUtil.setTransferEncodingChunked(head, true);
            ctx.write(head);
            if (canned.pieces() == 0) {
                flowing = canned.body();
                offset = 0;
                flow(ctx);
                return;
            }
            int piece = (canned.body().length + canned.pieces() - 1) / canned.pieces();
            for (int offset = 0; offset < canned.body().length; offset += piece) {
                ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(canned.body(), offset,
                        Math.min(piece, canned.body().length - offset))));
            }
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
        }

        private byte[] flowing;
        private int offset;

        /** Writes the flowing body's next pieces while the relay takes them. */
        private void flow(ChannelHandlerContext ctx) {
            while (flowing != null && ctx.channel().isWritable() && offset < flowing.length) {
                int n = Math.min(64 << 10, flowing.length - offset);
                int at = offset;
                offset += n; // before the write: its flush may report writability, and flow again, at once
                flowed.addAndGet(n);
                ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(flowing, at, n)));
            }
            if (flowing == null) {
                return; // finished by a nested call
            }
            if (offset < flowing.length) {
                if (heldBackSince == 0) {
                    heldBackSince = System.nanoTime();
                }
                return;
            }
            heldBackSince = 0;
            flowing = null;
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (flowing != null && ctx.channel().isWritable()) {
                heldBackSince = 0;
                flow(ctx);
            }
            ctx.fireChannelWritabilityChanged();
        }

        private void addHeaders(HttpResponse response, Canned canned) {
            for (int i = 0; i + 1 < canned.headers().size(); i += 2) {
                response.headers().add(canned.headers().get(i), canned.headers().get(i + 1));
            }
        }
    }
}
