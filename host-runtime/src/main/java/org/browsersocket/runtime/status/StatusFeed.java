package org.browsersocket.runtime.status;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The status page's live updates as Server-Sent Events ({@code text/event-stream}): each event is
 * one status snapshot in JSON. At most {@link #MAX_SUBSCRIBERS} at once; a subscriber that does
 * not read what it is sent is dropped (its browser reconnects and starts afresh), so a stuck
 * status tab cannot make the runtime hold memory.
 */
final class StatusFeed {
    static final int MAX_SUBSCRIBERS = 16;
    /** How long a browser waits before reconnecting a dropped stream. */
    private static final int RETRY_MILLIS = 2000;

    private final Set<Channel> subscribers = ConcurrentHashMap.newKeySet();
    private final AtomicInteger count = new AtomicInteger();

    /**
     * Starts the stream on {@code channel} (an HTTP request for it was just read) with
     * {@code firstSnapshot}; false, and nothing sent, when the feed is full.
     */
    boolean subscribe(Channel channel, String firstSnapshot) {
        if (count.incrementAndGet() > MAX_SUBSCRIBERS) {
            count.decrementAndGet();
            return false;
        }
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .set("X-Content-Type-Options", "nosniff");
        HttpUtil.setTransferEncodingChunked(response, true);
        channel.write(response);
        channel.writeAndFlush(chunk("retry: " + RETRY_MILLIS + "\n\n" + event(firstSnapshot)));
        subscribers.add(channel);
        channel.closeFuture().addListener(closed -> {
            if (subscribers.remove(channel)) {
                count.decrementAndGet();
            }
        });
        return true;
    }

    boolean isEmpty() {
        return subscribers.isEmpty();
    }

    /** Sends {@code snapshot} to every subscriber that keeps up; closes the others. */
    void publish(String snapshot) {
        if (subscribers.isEmpty()) {
            return;
        }
        byte[] bytes = event(snapshot).getBytes(StandardCharsets.UTF_8);
        for (Channel channel : subscribers) {
            if (!channel.isWritable()) {
                channel.close();
                continue;
            }
            channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(bytes)))
                    .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        }
    }

    private static String event(String json) {
        // JSON as Jackson writes it has no raw newlines, so one data line carries it.
        return "event: status\ndata: " + json + "\n\n";
    }

    private static DefaultHttpContent chunk(String text) {
        return new DefaultHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }
}
