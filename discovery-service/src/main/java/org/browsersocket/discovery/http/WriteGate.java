package org.browsersocket.discovery.http;

import java.util.concurrent.Callable;
import org.browsersocket.discovery.limits.RateLimiter;
import org.browsersocket.service.http.JsonReplies;
import spark.Request;
import spark.Response;

/** Lets a write through only while its client is within the rate limit; otherwise 429 with the limit. */
final class WriteGate {
    private final RateLimiter limiter;

    WriteGate(RateLimiter limiter) {
        this.limiter = limiter;
    }

    boolean allows(Request request) {
        return limiter.tryAcquire(request.raw().getRemoteAddr());
    }

    Object admit(Request request, Response response, Callable<Object> write) throws Exception {
        if (!allows(request)) {
            response.status(429);
            response.header("Retry-After", "1");
            response.type(JsonReplies.CONTENT_TYPE);
            return JsonReplies.error(refusal());
        }
        return write.call();
    }

    String refusal() {
        return "rate limit exceeded: " + limiter.describe();
    }
}
