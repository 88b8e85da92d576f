package org.browsersocket.runtime.http;

import io.netty.buffer.Unpooled;
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
    private HttpResponses() {}

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
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
