package org.browsersocket.discovery.store;

import java.nio.charset.StandardCharsets;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * A Lua script Redis runs atomically: no other client's command runs between its reads and its
 * writes, which is what makes re-put, remove and compare-and-set safe across service instances.
 * Sent by its SHA-1 and, only when Redis does not know it yet (first use, restart), in full.
 */
final class RedisScript {
    private final byte[] source;
    private final byte[] sha1;

    RedisScript(String source) {
        this.source = source.getBytes(StandardCharsets.UTF_8);
        this.sha1 = Bytes.hex(Bytes.sha1(this.source)).getBytes(StandardCharsets.US_ASCII);
    }

    Object run(UnifiedJedis redis, List<byte[]> keys, List<byte[]> args) {
        try {
            return redis.evalsha(sha1, keys, args);
        } catch (JedisNoScriptException e) {
            return redis.eval(source, keys, args);
        }
    }
}
