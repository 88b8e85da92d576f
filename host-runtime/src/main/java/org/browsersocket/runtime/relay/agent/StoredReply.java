package org.browsersocket.runtime.relay.agent;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.logging.Logger;

/**
 * A stored response sent to a client: its fields with its current {@code Age}, and its body read
 * from the store in pieces as fast as the client takes them. A client's own condition that the
 * stored response meets gets a 304; a HEAD gets the fields alone.
 */
final class StoredReply implements ClientSide.Exchange {
    private static final Logger LOG = Logger.getLogger("browsersocket.relay");
    private static final int PIECE = 64 * 1024;

    private final ClientSide client;
    private final ClientRequest ask;
    private final FileChannel body;
    private final long length;
    private final boolean keepAlive;
    private long sent;
    private boolean over;

    private StoredReply(ClientSide client, ClientRequest ask, FileChannel body, long length) {
        this.client = client;
        this.ask = ask;
        this.body = body;
        this.length = length;
        this.keepAlive = ask.keepAlive();
    }

    /**
     * Answers {@code ask} with {@code stored} (whose body is {@code body}, closed here), {@code age}
     * old; {@code cacheStatus} goes in a {@code Cache-Status} field (RFC 9211).
     */
    static void send(ClientSide client, ClientRequest ask, StoredResponse stored, FileChannel body, long ageMillis,
                     String cacheStatus) {
        HttpHeaders fields = stored.httpHeaders();
        // A client's condition concerns a successful response (RFC 9110 §13.1.2), not a stored 404.
        boolean notModified = stored.status() / 100 == 2 && Validators.notModified(ask.headers(), fields);
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, notModified ? HttpResponseStatus.NOT_MODIFIED
                : HttpResponseStatus.valueOf(stored.status()));
        head.headers().add(notModified ? Validators.notModifiedHeaders(fields) : fields);
        head.headers().set(HttpHeaderNames.AGE, Freshness.ageHeader(ageMillis))
                .set("Cache-Status", RelayAgent.CACHE_NAME + "; " + cacheStatus);
        boolean bodyless = notModified || stored.status() == 204;
        if (!bodyless) {
            HttpUtil.setContentLength(head, stored.length());
        }
        StoredReply reply = new StoredReply(client, ask, body, ask.isHead() || bodyless ? 0 : stored.length());
        HttpUtil.setKeepAlive(head.headers(), ask.head().protocolVersion(), reply.keepAlive);
        client.begin(reply);
        client.ctx().write(head);
        ask.release();
        reply.pump();
    }

    /** Sends what the client can take now; the rest follows when it is writable again. */
    private void pump() {
        Channel channel = client.ctx().channel();
        try {
            while (!over && sent < length && channel.isWritable()) {
                int n = (int) Math.min(PIECE, length - sent);
                ByteBuf piece = channel.alloc().ioBuffer(n);
                try {
                    int read = piece.writeBytes(body, sent, n);
                    if (read <= 0) {
                        throw new IOException("the stored body ended early");
                    }
                    sent += read;
                } catch (IOException e) {
                    piece.release();
                    throw e;
                }
                client.ctx().writeAndFlush(new DefaultHttpContent(piece));
            }
        } catch (IOException e) {
            LOG.warning("relay cache: cannot read a stored body: " + e);
            finish();
            channel.close(); // the client sees the response cut short, as it is
            return;
        }
        if (!over && sent >= length) {
            finish();
            var written = client.ctx().writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            if (!keepAlive) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
            client.end(this, keepAlive);
        }
    }

    private void finish() {
        over = true;
        try {
            body.close();
        } catch (IOException ignored) {
            // read-only
        }
    }

    @Override
    public void clientWritable() {
        pump();
    }

    @Override
    public void clientGone() {
        finish();
    }
}
