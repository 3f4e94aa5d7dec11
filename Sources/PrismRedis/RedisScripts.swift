/// The Lua scripts that make each registry write atomic on Redis, so that several prismd sharing one
/// Redis never lose or duplicate an identity, and each expiry is swept (and announced) exactly once.
///
/// Every key a script touches carries the namespace's hash tag `{ns}`, so a namespace lives on one
/// Redis Cluster slot. An identity is a hash `prism:{ns}:id:<name>` with fields m (metadata JSON),
/// r (registered, ms), u (updated, ms) and e (expires, ms; empty for never); `prism:{ns}:ids` holds
/// every name (enumeration order) and `prism:{ns}:exp` the names that expire, scored by expiry.
/// A hash has exactly those four fields, so an HSET of all four replaces a record without a DEL.
enum RedisScripts {
    /// KEYS: identity hash, ids, exp. ARGV: name, metadata, registered, updated, expires ('' never),
    /// replace ('1'), capacity ('' none), now.
    /// Returns {'exists'} | {'full'} | {'new'} | {'replaced', m, r, u, e}.
    static let register = """
        local e = redis.call('HGET', KEYS[1], 'e')
        local now = tonumber(ARGV[8])
        local alive = e and (e == '' or tonumber(e) > now)
        local previous = false
        if alive then
          if ARGV[6] ~= '1' then return {'exists'} end
          previous = redis.call('HMGET', KEYS[1], 'm', 'r', 'u', 'e')
        elseif ARGV[7] ~= '' then
          local live = redis.call('ZCARD', KEYS[2]) - redis.call('ZCOUNT', KEYS[3], '-inf', now)
          if live >= tonumber(ARGV[7]) then return {'full'} end
        end
        local registered = ARGV[3]
        if previous then registered = previous[2] end
        redis.call('HSET', KEYS[1], 'm', ARGV[2], 'r', registered, 'u', ARGV[4], 'e', ARGV[5])
        redis.call('ZADD', KEYS[2], 0, ARGV[1])
        if ARGV[5] == '' then redis.call('ZREM', KEYS[3], ARGV[1]) else redis.call('ZADD', KEYS[3], ARGV[5], ARGV[1]) end
        if previous then return {'replaced', previous[1], previous[2], previous[3], previous[4]} end
        return {'new'}
        """

    /// Compare-and-set of a renewal computed by the caller (the merge patch is applied in Swift).
    /// KEYS: identity hash, exp. ARGV: name, expected updated, metadata ('' keeps it), updated,
    /// expires ('' never), now. Returns 'ok' | 'missing' | 'conflict'.
    static let renew = """
        local f = redis.call('HMGET', KEYS[1], 'u', 'e')
        if not f[1] then return 'missing' end
        if f[2] ~= '' and tonumber(f[2]) <= tonumber(ARGV[6]) then return 'missing' end
        if f[1] ~= ARGV[2] then return 'conflict' end
        if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'm', ARGV[3]) end
        redis.call('HSET', KEYS[1], 'u', ARGV[4], 'e', ARGV[5])
        if ARGV[5] == '' then redis.call('ZREM', KEYS[2], ARGV[1]) else redis.call('ZADD', KEYS[2], ARGV[5], ARGV[1]) end
        return 'ok'
        """

    /// KEYS: identity hash, ids, exp. ARGV: name. Returns {} or {m, r, u, e} of what was removed.
    static let remove = """
        local f = redis.call('HMGET', KEYS[1], 'm', 'r', 'u', 'e')
        if not f[1] then return {} end
        redis.call('DEL', KEYS[1])
        redis.call('ZREM', KEYS[2], ARGV[1])
        redis.call('ZREM', KEYS[3], ARGV[1])
        return f
        """

    /// Removes up to `limit` identities whose expiry has passed, earliest first.
    /// KEYS: ids, exp. ARGV: now, limit, identity key prefix. Returns {name, m, r, u, e, name, ...}.
    static let sweep = """
        local names = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
        local out = {}
        for _, name in ipairs(names) do
          local key = ARGV[3] .. name
          local f = redis.call('HMGET', key, 'm', 'r', 'u', 'e')
          redis.call('DEL', key)
          redis.call('ZREM', KEYS[1], name)
          redis.call('ZREM', KEYS[2], name)
          if f[1] then
            table.insert(out, name)
            table.insert(out, f[1]); table.insert(out, f[2]); table.insert(out, f[3]); table.insert(out, f[4])
          end
        end
        return out
        """
}
