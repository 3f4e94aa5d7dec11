extension Coordinator {
    /// Removes every identity whose TTL has run out and announces each with one EXPIRED event.
    /// The sweeper task calls this every ``NamespaceSettings/sweepInterval``; its cost is proportional to
    /// what expired, not to how many identities there are.
    /// - Returns: how many identities expired.
    @discardableResult
    public func sweepExpired() async throws(RegistryError) -> Int {
        let batch = 10_000
        var total = 0
        while true {
            let now = clock.now()
            let expired = try await registry.removeExpired(now: now, limit: batch)
            for identity in expired { events.publish(.expired, identity: identity, at: now) }
            total += expired.count
            if !expired.isEmpty { stats.count { $0.expirations += expired.count } }
            if expired.count < batch { return total }
        }
    }
}
