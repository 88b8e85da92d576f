package org.browsersocket.discovery.store;

/**
 * The Lua side of {@link RedisStore}; see there for the layout of keys and {@link RedisRecords}
 * for the records. Each script is one atomic step on the server.
 */
final class RedisScripts {
    private RedisScripts() {}

    /**
     * Adds ARGV[1] to the stored-bytes counter KEYS[n] (deleting it when it reaches 0, so an empty
     * store leaves no keys behind). Prepended to the scripts that change what is stored.
     */
    private static String counter(int keyIndex) {
        return """
                local function count(change)
                  if change ~= 0 and redis.call('INCRBY', KEYS[%1$d], change) <= 0 then redis.call('DEL', KEYS[%1$d]) end
                end
                local function used() return tonumber(redis.call('GET', KEYS[%1$d]) or '0') end
                """.formatted(keyIndex);
    }

    /**
     * Put or re-put within the capacity. KEYS: values hash, order set, per-key expiry set, global
     * expiry set, stored-bytes counter. ARGV: value hash (hex), expiry header, secret part, value,
     * global expiry member, now, values per key, stored bytes allowed, record overhead. A re-put
     * keeps the later expiry and keeps the old secret unless a new one is given; re-putting a live
     * value is never over the per-key capacity. Answers 0 (stored), 1 (key full) or 3 (store full).
     * A record counts overhead + its length - 20 bytes (the expiry header and the secret marker).
     */
    static final RedisScript PUT = new RedisScript(counter(5) + """
            local field, expires, secret = ARGV[1], ARGV[2], ARGV[3]
            local now, perKey, allowed, overhead = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
            local old = redis.call('HGET', KEYS[1], field)
            local oldBytes, live = 0, false
            if old then
              local oldExpires = string.sub(old, 1, 19)
              live = tonumber(oldExpires) > now
              if tonumber(oldExpires) > tonumber(expires) then expires = oldExpires end
              if secret == '-' and string.sub(old, 20, 20) == 'S' then secret = string.sub(old, 20, 40) end
              oldBytes = overhead + #old - 20
            end
            if not live and redis.call('ZCOUNT', KEYS[3], '(' .. ARGV[6], '+inf') >= perKey then return 1 end
            local record = expires .. secret .. ARGV[4]
            local newBytes = overhead + #record - 20
            if newBytes > oldBytes and used() + newBytes - oldBytes > allowed then return 3 end
            redis.call('HSET', KEYS[1], field, record)
            redis.call('ZADD', KEYS[2], 0, field)
            redis.call('ZADD', KEYS[3], expires, field)
            redis.call('ZADD', KEYS[4], expires, ARGV[5])
            count(newBytes - oldBytes)
            return 0
            """);

    /**
     * Up to ARGV[2] live records in value-hash order, after lex bound ARGV[3] ('-' or '(' + hex).
     * KEYS: values hash, order set. ARGV[1]: now. Skips expired records not yet purged.
     */
    static final RedisScript GET = new RedisScript("""
            local now, want, min = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
            local found = {}
            while #found < want do
              local fields = redis.call('ZRANGEBYLEX', KEYS[2], min, '+', 'LIMIT', 0, want)
              if #fields == 0 then break end
              local records = redis.call('HMGET', KEYS[1], unpack(fields))
              for i = 1, #fields do
                local record = records[i]
                if record and tonumber(string.sub(record, 1, 19)) > now and #found < want then
                  found[#found + 1] = record
                end
              end
              min = '(' .. fields[#fields]
            end
            return found
            """);

    /**
     * Removes a value if it has a secret hash equal to ARGV[2] (20 bytes), compared in constant
     * time. KEYS as for PUT; ARGV[1]: value hash (hex), ARGV[3]: global expiry member, ARGV[4]:
     * record overhead.
     */
    static final RedisScript REMOVE = new RedisScript(counter(5) + """
            local record = redis.call('HGET', KEYS[1], ARGV[1])
            if not record or string.sub(record, 20, 20) ~= 'S' then return 0 end
            local stored, given, diff = string.sub(record, 21, 40), ARGV[2], 0
            for i = 1, 20 do
              diff = bit.bor(diff, bit.bxor(string.byte(stored, i), string.byte(given, i)))
            end
            if diff ~= 0 then return 0 end
            redis.call('HDEL', KEYS[1], ARGV[1])
            redis.call('ZREM', KEYS[2], ARGV[1])
            redis.call('ZREM', KEYS[3], ARGV[1])
            redis.call('ZREM', KEYS[4], ARGV[3])
            count(-(tonumber(ARGV[4]) + #record - 20))
            return 1
            """);

    /**
     * Deletes up to ARGV[2] values whose expiry is at or before ARGV[1]; answers {deleted, due}.
     * KEYS[1]: global expiry set, whose members are "hexKey:hexValueHash"; KEYS[2]: stored-bytes
     * counter; ARGV[3]: key prefix; ARGV[4]: record overhead. The per-key keys are derived here, so
     * this script only suits a single Redis (not a cluster).
     */
    static final RedisScript PURGE = new RedisScript(counter(2) + """
            local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
            local deleted = 0
            for _, member in ipairs(due) do
              local sep = string.find(member, ':', 1, true)
              local key, field = string.sub(member, 1, sep - 1), string.sub(member, sep + 1)
              local record = redis.call('HGET', ARGV[3] .. 'v:' .. key, field)
              if record then count(-(tonumber(ARGV[4]) + #record - 20)) end
              deleted = deleted + redis.call('HDEL', ARGV[3] .. 'v:' .. key, field)
              redis.call('ZREM', ARGV[3] .. 'o:' .. key, field)
              redis.call('ZREM', ARGV[3] .. 'e:' .. key, field)
              redis.call('ZREM', KEYS[1], member)
            end
            return {deleted, #due}
            """);

    /**
     * Stores a signed record if there is none or its 20-digit sequence header is higher, compared
     * byte by byte, and the store stays within its bytes. KEYS: signed hash, principal set of the
     * label, stored-bytes counter. ARGV: principal (hex), record, label length in bytes, stored
     * bytes allowed, record overhead. Answers 1 (stored), 0 (not higher) or 2 (store full). A record
     * counts overhead + label length + its length - 32 (the sequence and three length prefixes).
     */
    static final RedisScript PUT_SIGNED = new RedisScript(counter(3) + """
            local function higher(new, old)
              for i = 1, 20 do
                local a, b = string.byte(new, i), string.byte(old, i)
                if a ~= b then return a > b end
              end
              return false
            end
            local old = redis.call('HGET', KEYS[1], ARGV[1])
            if old and not higher(ARGV[2], old) then return 0 end
            local fixed = tonumber(ARGV[5]) + tonumber(ARGV[3]) - 32
            local oldBytes = old and fixed + #old or 0
            local newBytes = fixed + #ARGV[2]
            if newBytes > oldBytes and used() + newBytes - oldBytes > tonumber(ARGV[4]) then return 2 end
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            redis.call('ZADD', KEYS[2], 0, ARGV[1])
            count(newBytes - oldBytes)
            return 1
            """);
}
