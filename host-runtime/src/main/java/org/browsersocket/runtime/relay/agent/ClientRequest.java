package org.browsersocket.runtime.relay.agent;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;

/**
 * A client's request the agent answers: its head (and, aggregated, its body), the prefix it is
 * for, and where it came from. Its cache key is the request target as sent: path and query.
 */
record ClientRequest(HttpRequest head, String prefix, String remoteAddress) {
    String key() {
        return head.uri();
    }

    HttpMethod method() {
        return head.method();
    }

    HttpHeaders headers() {
        return head.headers();
    }

    boolean isHead() {
        return head.method().equals(HttpMethod.HEAD);
    }

    boolean isGet() {
        return head.method().equals(HttpMethod.GET);
    }

    /** GET or HEAD: answered from the store when it can be. */
    boolean readOnly() {
        return isGet() || isHead();
    }

    /** Whether a successful answer changes what is at the target (RFC 9110 §9.2.1): not GET, HEAD, OPTIONS or TRACE. */
    boolean unsafe() {
        return !readOnly() && !head.method().equals(HttpMethod.OPTIONS) && !head.method().equals(HttpMethod.TRACE);
    }

    boolean keepAlive() {
        return HttpUtil.isKeepAlive(head);
    }

    /** Whether the body came with the head (aggregated), rather than as content messages after it. */
    boolean whole() {
        return head instanceof FullHttpRequest;
    }

    void release() {
        ReferenceCountUtil.release(head);
    }
}
