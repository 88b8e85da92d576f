package org.browsersocket.runtime.relay.link;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.browsersocket.runtime.Transport;
import org.browsersocket.runtime.relay.RelayPaths;

/**
 * Opens the connection that carries one relayed peer: {@code GET /.relay/attach/STREAM}, and after
 * the relay's 101 the connection is handed to the runtime's public side as if the peer had
 * connected directly.
 */
final class AttachDialer {
    private static final Logger LOG = Logger.getLogger("browsersocket.relay");
    private static final int CONNECT_MILLIS = 5_000;
    private static final int MAX_RESPONSE_HEAD = 4096;

    private final RelayAddress relay;
    private final Transport transport;
    private final EventLoopGroup group;
    private final SslContext tls;
    private final AttachedPeerSink sink;

    AttachDialer(RelayAddress relay, Transport transport, EventLoopGroup group, SslContext tls, AttachedPeerSink sink) {
        this.relay = relay;
        this.transport = transport;
        this.group = group;
        this.tls = tls;
        this.sink = sink;
    }

    void dial(String stream, String prefix, String peerAddress, Runnable attached) {
        // On the event loop of the page that owns the prefix, where its messages go anyway.
        EventLoopGroup loop = java.util.Objects.requireNonNullElse(sink.eventLoopFor(prefix), group);
        new Bootstrap().group(loop).channel(transport.clientChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_MILLIS)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast("ssl", RelayLink.clientTlsHandler(tls, ch, relay));
                        }
                        ch.pipeline().addLast("attach-response", new ResponseHead(peerAddress, attached));
                    }
                })
                .connect(relay.host(), relay.port())
                .addListener(connected -> {
                    if (!connected.isSuccess()) {
                        LOG.info("could not attach a relayed peer at " + relay.base() + ": " + connected.cause().getMessage());
                        return;
                    }
                    var channel = ((io.netty.channel.ChannelFuture) connected).channel();
                    String request = "GET " + RelayPaths.ATTACH + stream + " HTTP/1.1\r\nHost: " + relay.host() + ":"
                            + relay.port() + "\r\nUpgrade: " + RelayPaths.ATTACH_UPGRADE
                            + "\r\nConnection: Upgrade\r\n\r\n";
                    channel.writeAndFlush(channel.alloc().buffer().writeBytes(request.getBytes(StandardCharsets.US_ASCII)));
                    channel.eventLoop().schedule(() -> {
                        if (channel.pipeline().get(ResponseHead.class) != null) {
                            channel.close(); // no 101 in time
                        }
                    }, CONNECT_MILLIS, TimeUnit.MILLISECONDS);
                });
    }

    /** Reads the relay's answer to the attach request; on 101 the connection becomes the peer's. */
    private final class ResponseHead extends ByteToMessageDecoder {
        private final String peerAddress;
        private final Runnable attached;

        ResponseHead(String peerAddress, Runnable attached) {
            this.peerAddress = peerAddress;
            this.attached = attached;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            int end = indexOfEmptyLine(in);
            if (end < 0) {
                if (in.readableBytes() > MAX_RESPONSE_HEAD) {
                    ctx.close();
                }
                return;
            }
            String head = in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.ISO_8859_1);
            in.readerIndex(end + 4);
            if (!head.startsWith("HTTP/1.1 101")) {
                LOG.fine("the relay refused an attach: " + head.lines().findFirst().orElse(""));
                ctx.close();
                return;
            }
            sink.adopt(ctx.channel(), peerAddress);
            attached.run();
            ctx.pipeline().remove(this); // what followed the head (the peer's request) goes on to the peer handlers
        }

        private static int indexOfEmptyLine(ByteBuf in) {
            for (int i = in.readerIndex(); i + 3 < in.writerIndex(); i++) {
                if (in.getByte(i) == '\r' && in.getByte(i + 1) == '\n' && in.getByte(i + 2) == '\r' && in.getByte(i + 3) == '\n') {
                    return i;
                }
            }
            return -1;
        }
    }
}
