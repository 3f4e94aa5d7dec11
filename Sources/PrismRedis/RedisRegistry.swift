import PrismFilter
import PrismRegistry

/// The registry slot on Redis (DESIGN §3): one hash per identity, a sorted set of names and one of
/// expiries, every write an atomic Lua script, so several prismd can share one Redis.
///
/// Enumerations and multicast targets are filtered inside Redis by ``RedisScripts/scan``, a Lua
/// interpreter of the filter compiled by ``LuaFilter``; the rows it cannot decide exactly come back
/// and are decided by the reference evaluator, so the answers are the reference evaluator's.
public final class RedisRegistry: RegistrySlot {
    public let backend = "redis"
    public let namespace: String
    public let pool: RedisConnectionPool
    let keyPrefix: String
    let idsKey: String
    private let expiriesKey: String
    private let registerScript = RedisScript(RedisScripts.register)
    private let renewScript = RedisScript(RedisScripts.renew)
    private let removeScript = RedisScript(RedisScripts.remove)
    private let sweepScript = RedisScript(RedisScripts.sweep)
    let scanScript = RedisScript(RedisScripts.scan)
    static let slowPing = Duration.milliseconds(100)

    public init(pool: RedisConnectionPool, namespace: String) {
        self.pool = pool
        self.namespace = namespace
        keyPrefix = "prism:{\(namespace)}:id:"
        idsKey = "prism:{\(namespace)}:ids"
        expiriesKey = "prism:{\(namespace)}:exp"
    }

    private func key(_ name: String) -> String { keyPrefix + name }

    public func register(_ identity: Identity, replace: Bool, capacity: Int?, now: Timestamp)
        async throws(RegistryError) -> Identity?
    {
        let reply = try await registerScript.run(
            on: pool, keys: [key(identity.name), idsKey, expiriesKey],
            arguments: [
                Array(identity.name.utf8), Array(Value.object(identity.metadata).jsonText.utf8),
                Self.text(identity.registeredAt), Self.text(identity.updatedAt), Self.text(identity.expiresAt),
                Array((replace ? "1" : "0").utf8), Array((capacity.map(String.init) ?? "").utf8), Self.text(now),
            ])
        guard case .array(let parts) = reply, let outcome = parts.first?.string else {
            throw RedisFailure.unexpectedReply(pool.address, to: "register", "\(reply)")
        }
        switch outcome {
        case "new": return nil
        case "exists":
            throw RegistryError.alreadyRegistered(identity.name)
        case "full":
            throw RegistryError.capacityReached(capacity ?? 0)
        default: return try Self.identity(identity.name, Array(parts.dropFirst()))
        }
    }

    public func renew(_ name: String, _ renewal: Renewal, metadataPatch: JSONObject?, now: Timestamp)
        async throws(RegistryError) -> Identity
    {
        // Optimistic: read, patch in Swift, write if nobody wrote in between; a concurrent writer retries.
        for _ in 0..<8 {
            guard let stored = try await get(name, now: now) else { throw .notRegistered(name) }
            let expectedUpdate = stored.updatedAt
            // updatedAt must change for the compare-and-set to see a later writer.
            let updatedAt = max(now, Timestamp(milliseconds: expectedUpdate.milliseconds + 1))
            // A named expiry moves with updatedAt, so that the TTL kept (their distance) is the one named.
            let bump = updatedAt.duration(since: now)
            let moved: Renewal =
                switch renewal {
                case .ownTTL: .ownTTL
                case .expiresAt(let expiresAt): .expiresAt(expiresAt.map { $0.adding(bump) })
                }
            let identity = try stored.renewed(moved, metadataPatch: metadataPatch, at: updatedAt)
            let metadataText = metadataPatch == nil ? [] : Array(Value.object(identity.metadata).jsonText.utf8)
            let reply = try await renewScript.run(
                on: pool, keys: [key(name), expiriesKey],
                arguments: [
                    Array(name.utf8), Self.text(expectedUpdate), metadataText, Self.text(identity.updatedAt),
                    Self.text(identity.expiresAt), Self.text(now),
                ])
            switch reply.string {
            case "ok": return identity
            case "missing": throw .notRegistered(name)
            default: continue
            }
        }
        throw RegistryError(.unavailable, "identity '\(name)' kept changing while being renewed; try again")
    }

    public func remove(_ name: String, now: Timestamp) async throws(RegistryError) -> Identity? {
        let reply = try await removeScript.run(
            on: pool, keys: [key(name), idsKey, expiriesKey], arguments: [Array(name.utf8)])
        guard case .array(let fields) = reply, !fields.isEmpty else { return nil }
        return try Self.identity(name, fields)
    }

    public func get(_ name: String, now: Timestamp) async throws(RegistryError) -> Identity? {
        let reply = try await pool.pipeline([Self.hmget(key(name))])[0]
        guard let identity = try Self.stored(name, reply), !identity.isExpired(at: now) else { return nil }
        return identity
    }

    public func removeExpired(now: Timestamp, limit: Int) async throws(RegistryError) -> [Identity] {
        let reply = try await sweepScript.run(
            on: pool, keys: [idsKey, expiriesKey],
            arguments: [Self.text(now), Array(String(max(1, limit)).utf8), Array(keyPrefix.utf8)])
        guard case .array(let flat) = reply else { return [] }
        var removed: [Identity] = []
        var index = 0
        while index + 4 < flat.count {
            guard let name = flat[index].string else { break }
            removed.append(try Self.identity(name, Array(flat[(index + 1)...(index + 4)])))
            index += 5
        }
        return removed
    }

    public func count(now: Timestamp) async throws(RegistryError) -> Int {
        let replies = try await pool.pipeline([
            ["ZCARD", idsKey].map { Array($0.utf8) },
            ["ZCOUNT", expiriesKey, "-inf", String(now.milliseconds)].map { Array($0.utf8) },
        ])
        guard case .integer(let all) = replies[0], case .integer(let expired) = replies[1] else {
            throw RedisFailure.unexpectedReply(pool.address, to: "count", "\(replies)")
        }
        return Int(all - expired)
    }

    public func health() async -> SlotHealth {
        do {
            let latency = try await pool.ping()
            let queued = pool.deepestQueue
            let detail =
                "\(pool.address), ping \(latency.formatted(.units(allowed: [.milliseconds], fractionalPart: .show(length: 2))))"
            if latency > Self.slowPing { return SlotHealth(.degraded, detail + " (slow)") }
            if queued > 64 { return SlotHealth(.degraded, detail + ", \(queued) calls queued on one connection") }
            return SlotHealth(.healthy, detail)
        } catch {
            return SlotHealth(.unhealthy, error.detailedMessage)
        }
    }

    public func close() async {}

    private static func hmget(_ key: String) -> [[UInt8]] {
        ["HMGET", key, "m", "r", "u", "e"].map { Array($0.utf8) }
    }

    private static func text(_ timestamp: Timestamp?) -> [UInt8] {
        timestamp.map { Array(String($0.milliseconds).utf8) } ?? []
    }

    private static func stored(_ name: String, _ reply: RedisReply) throws(RegistryError) -> Identity? {
        guard case .array(let fields) = reply, fields.count == 4, fields[0] != .null else { return nil }
        return try identity(name, fields)
    }

    /// An identity from its hash fields m, r, u, e.
    static func identity(_ name: String, _ fields: [RedisReply]) throws(RegistryError) -> Identity {
        guard fields.count == 4, let metadataText = fields[0].string,
            let registered = fields[1].string.flatMap({ Int64($0) }),
            let updated = fields[2].string.flatMap({ Int64($0) })
        else {
            throw RegistryError(.dataLoss, "identity '\(name)' is stored in an unreadable form in Redis")
        }
        let metadata: JSONObject
        do {
            guard case .object(let object) = try Value(json: metadataText) else {
                throw RegistryError(.dataLoss, "identity '\(name)': its stored metadata is not an object")
            }
            metadata = object
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError(.dataLoss, "identity '\(name)': its stored metadata is not valid JSON", cause: error)
        }
        let expires = fields[3].string.flatMap { Int64($0) }.map(Timestamp.init(milliseconds:))
        return Identity(
            name: name, metadata: metadata, registeredAt: Timestamp(milliseconds: registered),
            updatedAt: Timestamp(milliseconds: updated), expiresAt: expires)
    }
}
