package org.browsersocket.runtime.publicport;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import java.util.ArrayDeque;
import java.util.Queue;

/**
 * HTTP/1.1 for the public port: Netty's request decoder made strict where leniency lets requests
 * be smuggled, and a response encoder that knows which responses answer {@code HEAD}. They are two
 * handlers ({@code http-decoder}, {@code http-encoder}) because Netty's WebSocket handshake looks
 * for a request decoder and a response encoder in the pipeline to replace.
 */
final class PeerHttpCodec {
    /** Largest piece of a body passed on at once. */
    static final int MAX_CHUNK_BYTES = 64 << 10;
    /** Longest request line. */
    static final int MAX_REQUEST_LINE = 8192;

    /** Marks a request whose framing is ambiguous (RFC 9112 §6.1: reject, then close). */
    static final class AmbiguousFraming extends IllegalArgumentException {
        AmbiguousFraming(String message) {
            super(message);
        }
    }

    private PeerHttpCodec() {}

    /** Adds the decoder and the encoder at the pipeline's end. */
    static void addTo(ChannelPipeline pipeline, int maxHeaderBytes) {
        Queue<HttpMethod> methods = new ArrayDeque<>();
        pipeline.addLast("http-decoder", new StrictRequestDecoder(maxHeaderBytes, methods))
                .addLast("http-encoder", new ResponseEncoder(methods));
    }

    static final class StrictRequestDecoder extends HttpRequestDecoder {
        private final Queue<HttpMethod> methods;

        StrictRequestDecoder(int maxHeaderBytes, Queue<HttpMethod> methods) {
            super(MAX_REQUEST_LINE, maxHeaderBytes, MAX_CHUNK_BYTES);
            this.methods = methods;
        }

        /**
         * Netty drops {@code Content-Length} when {@code Transfer-Encoding} is also present; a
         * front proxy that chose the other header would then see a different request boundary.
         * Throwing here makes the request invalid (answered 400, connection closed).
         */
        @Override
        protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
            throw new AmbiguousFraming("both Content-Length and Transfer-Encoding");
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpMessage message) {
            if (message instanceof HttpRequest request) {
                String coding = request.headers().get(HttpHeaderNames.TRANSFER_ENCODING);
                if (coding != null && !coding.trim().toLowerCase().endsWith("chunked")) {
                    // A request body whose length cannot be told (RFC 9112 §6.3 item 4).
                    throw new AmbiguousFraming("Transfer-Encoding without chunked last");
                }
                synchronized (methods) {
                    methods.add(request.method());
                }
            }
            return super.isContentAlwaysEmpty(message);
        }
    }

    static final class ResponseEncoder extends HttpResponseEncoder {
        private final Queue<HttpMethod> methods;
        private HttpMethod answering;

        ResponseEncoder(Queue<HttpMethod> methods) {
            this.methods = methods;
        }

        @Override
        public boolean acceptOutboundMessage(Object msg) throws Exception {
            if (msg instanceof HttpResponse response && response.status().code() >= 200) {
                synchronized (methods) {
                    answering = methods.poll();
                }
            }
            return super.acceptOutboundMessage(msg);
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpResponse response) {
            return HttpMethod.HEAD.equals(answering) || super.isContentAlwaysEmpty(response);
        }
    }
}
