package org.browsersocket.discovery.store;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The store of {@code redis://host:port}, shared by every service instance pointed at the same
 * Redis: each sees the others' puts and removals at once. Every key starts with {@value #PREFIX}
 * so the Redis can hold other data too. Per store key K (hex):
 * <ul>
 *   <li>{@code bsd:v:K}, a hash: value hash (hex) → record ({@link RedisRecords});
 *   <li>{@code bsd:o:K}, a sorted set of value hashes, all scored 0, for paging in hash order;
 *   <li>{@code bsd:e:K}, a sorted set of value hashes scored by expiry, for counting live values;
 * </ul>
 * plus {@code bsd:expiry}, every value as "K:hash" scored by expiry, for purging, and
 * {@code bsd:bytes}, the stored bytes of everything held ({@link Capacity}). Signed values of label
 * L (hex of its UTF-8): {@code bsd:s:L}, a hash principal (hex) → record, and {@code bsd:p:L}, the
 * principals scored 0, for prefix search. Whatever must be atomic is a {@link RedisScripts} script.
 */
public final class RedisStore implements ValueStore {
    /** What every key of this store starts with. */
    public static final String PREFIX = "bsd:";

    private static final String EXPIRY = PREFIX + "expiry";
    private static final String BYTES = PREFIX + "bytes";
    private static final int PURGE_BATCH = 1000;

    private final StoreLocation.Redis location;
    private final JedisPooled redis;
    private final Purger purger;
    private volatile boolean closed;

    private RedisStore(StoreLocation.Redis location, JedisPooled redis, Duration purgeInterval) {
        this.location = location;
        this.redis = redis;
        this.purger = new Purger("purge " + location, purgeInterval, this::purgeExpired);
    }

    /** Connects (failing at once if Redis does not answer) and starts the background purge. */
    public static RedisStore open(StoreLocation.Redis location) {
        return open(location, Purger.DEFAULT_INTERVAL);
    }

    /** As {@link #open(StoreLocation.Redis)}, purging every {@code purgeInterval}. */
    public static RedisStore open(StoreLocation.Redis location, Duration purgeInterval) {
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        // Enough connections for the HTTP server's threads; beyond that a call waits, but not forever.
        pool.setMaxTotal(64);
        pool.setMaxIdle(64);
        pool.setMaxWait(Duration.ofSeconds(5));
        DefaultJedisClientConfig client = DefaultJedisClientConfig.builder()
                .timeoutMillis(5_000).clientName("browsersocket-discovery").build();
        JedisPooled redis = new JedisPooled(new HostAndPort(location.host(), location.port()), client, pool);
        try {
            redis.ping();
        } catch (JedisException e) {
            redis.close();
            throw new StoreException("cannot reach Redis at " + location + ": " + e.getMessage(), e);
        }
        return new RedisStore(location, redis, purgeInterval);
    }

    @Override
    public PutResult put(byte[] key, byte[] value, long expiresAtMillis, byte[] secretHash, long nowMillis,
                         Capacity capacity) {
        String k = Bytes.hex(key);
        String field = Bytes.hex(Bytes.sha1(value));
        String expires = RedisRecords.expiry(expiresAtMillis);
        Object answer = call(() -> RedisScripts.PUT.run(redis, valueKeys(k),
                List.of(ascii(field), ascii(expires), RedisRecords.secretPart(secretHash), value,
                        ascii(k + ":" + field), number(nowMillis), number(capacity.valuesPerKey()),
                        number(capacity.storedBytes()), number(Capacity.VALUE_OVERHEAD))));
        return switch (((Long) answer).intValue()) {
            case 0 -> PutResult.OK;
            case 1 -> PutResult.OVER_CAPACITY;
            default -> PutResult.STORAGE_FULL;
        };
    }

    @Override
    public Page get(byte[] key, int maxValues, byte[] placemark, long nowMillis) {
        if (maxValues < 1) {
            throw new IllegalArgumentException("maxValues must be positive: " + maxValues);
        }
        String k = Bytes.hex(key);
        String after = placemark.length == 0 ? "-" : "(" + Bytes.hex(placemark);
        // One more than asked: tells whether more follow.
        Object records = call(() -> RedisScripts.GET.run(redis, List.of(ascii(PREFIX + "v:" + k), ascii(PREFIX + "o:" + k)),
                List.of(ascii(Long.toString(nowMillis)), ascii(Integer.toString(maxValues + 1)), ascii(after))));
        List<StoredValue> found = new ArrayList<>();
        for (Object record : (List<?>) records) {
            found.add(RedisRecords.value((byte[]) record));
        }
        return Pages.of(found, maxValues);
    }

    @Override
    public boolean remove(byte[] key, byte[] valueHash, byte[] secret) {
        String k = Bytes.hex(key);
        String field = Bytes.hex(valueHash);
        Object removed = call(() -> RedisScripts.REMOVE.run(redis, valueKeys(k),
                List.of(ascii(field), Bytes.sha1(secret), ascii(k + ":" + field), number(Capacity.VALUE_OVERHEAD))));
        return ((Long) removed) == 1L;
    }

    @Override
    public int purgeExpired(long nowMillis) {
        int deleted = 0;
        while (true) {
            // Batches keep each script short: Redis serves nobody else while one runs.
            List<?> answer = (List<?>) call(() -> RedisScripts.PURGE.run(redis, List.of(ascii(EXPIRY), ascii(BYTES)),
                    List.of(number(nowMillis), number(PURGE_BATCH), ascii(PREFIX), number(Capacity.VALUE_OVERHEAD))));
            deleted += ((Long) answer.get(0)).intValue();
            if ((Long) answer.get(1) < PURGE_BATCH) {
                return deleted;
            }
        }
    }

    @Override
    public SignedResult putSigned(SignedValue value, Capacity capacity) {
        String label = labelHex(value.label());
        Object stored = call(() -> RedisScripts.PUT_SIGNED.run(redis,
                List.of(ascii(PREFIX + "s:" + label), ascii(PREFIX + "p:" + label), ascii(BYTES)),
                List.of(ascii(Bytes.hex(value.principal())), RedisRecords.signed(value),
                        number(value.label().getBytes(StandardCharsets.UTF_8).length), number(capacity.storedBytes()),
                        number(Capacity.SIGNED_OVERHEAD))));
        return switch (((Long) stored).intValue()) {
            case 1 -> SignedResult.STORED;
            case 0 -> SignedResult.NOT_HIGHER;
            default -> SignedResult.STORAGE_FULL;
        };
    }

    @Override
    public List<SignedValue> findSigned(String principalPrefix, String label, int limit) {
        String prefix = Bytes.principalPrefix(principalPrefix);
        if (limit < 1) {
            return List.of();
        }
        String l = labelHex(label);
        return call(() -> {
            // Signed values are never deleted, so a principal listed here is in the hash too.
            List<byte[]> principals = redis.zrangeByLex(ascii(PREFIX + "p:" + l), ascii("[" + prefix),
                    ascii("(" + Bytes.afterPrefix(prefix)), 0, limit);
            if (principals.isEmpty()) {
                return List.of();
            }
            List<byte[]> records = redis.hmget(ascii(PREFIX + "s:" + l), principals.toArray(new byte[0][]));
            List<SignedValue> found = new ArrayList<>();
            for (int i = 0; i < principals.size(); i++) {
                if (records.get(i) != null) {
                    byte[] principal = Bytes.unhex(new String(principals.get(i), StandardCharsets.US_ASCII));
                    found.add(RedisRecords.signed(principal, label, records.get(i)));
                }
            }
            return found;
        });
    }

    @Override
    public int count(byte[] key, long nowMillis) {
        String k = Bytes.hex(key);
        return call(() -> (int) redis.zcount(ascii(PREFIX + "e:" + k), ascii("(" + nowMillis), ascii("+inf")));
    }

    @Override
    public long storedBytes() {
        byte[] bytes = call(() -> redis.get(ascii(BYTES)));
        return bytes == null ? 0 : Long.parseLong(new String(bytes, StandardCharsets.US_ASCII));
    }

    /** Stops the purge, then disconnects; later calls throw {@link IllegalStateException}. */
    @Override
    public synchronized void close() {
        if (!closed) {
            purger.close();
            closed = true;
            redis.close();
        }
    }

    @Override
    public String toString() {
        return "Redis store " + location;
    }

    private static List<byte[]> valueKeys(String k) {
        return List.of(ascii(PREFIX + "v:" + k), ascii(PREFIX + "o:" + k), ascii(PREFIX + "e:" + k), ascii(EXPIRY),
                ascii(BYTES));
    }

    private static byte[] number(long n) {
        return ascii(Long.toString(n));
    }

    private static String labelHex(String label) {
        return Bytes.hex(label.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private <T> T call(Supplier<T> work) {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
        try {
            return work.get();
        } catch (JedisException e) {
            throw new StoreException(this + " failed: " + e.getMessage(), e);
        }
    }
}
