package org.browsersocket.runtime.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.socket.SocketChannel;
import java.util.concurrent.TimeUnit;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Writes small complete HTTP responses, honouring keep-alive. */
public final class HttpResponses {
    /** Seconds a client is told to wait ({@code Retry-After}) before asking again for a page that is away. */
    public static final int RETRY_AFTER_SECONDS = 5;

    /** How long a connection closed after a response still reads (and drops) what its client sends. */
    static final long LINGER_MILLIS = 2000;

    /**
     * Closes a connection after its final response the way servers must when the client may still
     * be sending (a body refused unread): output first, then the whole connection once the client
     * has closed its side or after {@link #LINGER_MILLIS}. Closing at once would let the bytes still
     * arriving reset the connection, and the client could lose the response before reading it.
     */
    public static final ChannelFutureListener LINGERING_CLOSE = written -> {
        Channel channel = written.channel();
        if (!(channel instanceof SocketChannel socket) || !socket.isActive() || !written.isSuccess()) {
            channel.close();
            return;
        }
        socket.config().setAutoRead(true); // what still comes is read and dropped, never left to reset
        socket.shutdownOutput().addListener(shut -> {
            if (!shut.isSuccess()) {
                channel.close();
            }
        });
        channel.eventLoop().schedule(() -> channel.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
    };

    /** A plain-text response whose body is the status line's reason plus an optional detail. */
    public static void sendStatus(ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status,
                                  String detail) {
        String body = status.code() + " " + status.reasonPhrase()
                + (detail == null || detail.isEmpty() ? "" : ": " + detail) + "\n";
        send(ctx, request, status, "text/plain; charset=utf-8", body);
    }

    public static void send(ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status,
                            String contentType, String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8)));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .set("X-Content-Type-Options", "nosniff");
        send(ctx, request, response);
    }

    public static void send(ChannelHandlerContext ctx, HttpRequest request, FullHttpResponse response) {
        HttpUtil.setContentLength(response, response.content().readableBytes());
        boolean keepAlive = request != null && HttpUtil.isKeepAlive(request) && response.status().code() < 400;
        HttpUtil.setKeepAlive(response, keepAlive);
        var written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(LINGERING_CLOSE);
        }
    }
}
