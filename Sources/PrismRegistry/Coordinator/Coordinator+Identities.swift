import PrismDurations
import PrismFilter

extension Coordinator {
    /// Registers an identity.
    /// - Parameters:
    ///   - ttl: `nil` or zero uses the namespace default (which may be no expiry); above the namespace's
    ///     maximum is an error.
    ///   - replace: overwrite an existing registration instead of failing with ALREADY_EXISTS.
    /// - Returns: the stored identity.
    @discardableResult
    public func register(_ name: String, metadata: JSONObject = [:], ttl: Duration? = nil, replace: Bool = false)
        async throws(RegistryError) -> Identity
    {
        try await registerReportingReplacement(name, metadata: metadata, ttl: ttl, replace: replace).identity
    }

    /// ``register(_:metadata:ttl:replace:)``, also telling whether an existing registration was replaced.
    public func registerReportingReplacement(
        _ name: String, metadata: JSONObject = [:], ttl: Duration? = nil, replace: Bool = false
    ) async throws(RegistryError) -> (identity: Identity, replaced: Bool) {
        try requireRunning()
        let started = ContinuousClock.now
        try IdentityName.validate(name)
        try IdentityName.validate(metadata: metadata)
        let now = clock.now()
        let expiresAt = try expiry(for: ttl, now: now)
        let identity = Identity(name: name, metadata: metadata, registeredAt: now, updatedAt: now, expiresAt: expiresAt)
        let previous: Identity?
        do {
            previous = try await registry.register(
                identity, replace: replace, capacity: settings.maxIdentities, now: now)
        } catch  where error.code == .resourceExhausted {
            throw RegistryError(
                .resourceExhausted,
                "namespace '\(self.name)' holds its maximum of \(settings.maxIdentities ?? 0) identities; "
                    + "unregister some or raise max_identities")
        }
        var stored = identity
        if let previous { stored.registeredAt = previous.registeredAt }
        stats.count { previous == nil ? ($0.registrations += 1) : ($0.updates += 1) }
        events.publish(previous == nil ? .registered : .updated, identity: stored, at: now)
        stats.recordRegister(ContinuousClock.now - started)
        return (stored, previous != nil)
    }

    /// Renews an identity and optionally patches its metadata (RFC 7386 merge patch).
    /// - Parameter ttl: `nil` or zero renews by the identity's own TTL (the one it was registered or last
    ///   renewed with; an identity without expiry stays without); otherwise under the namespace's policy.
    /// - Throws: NOT_FOUND when the identity is not registered or has expired.
    @discardableResult
    public func heartbeat(_ name: String, ttl: Duration? = nil, metadataPatch: JSONObject? = nil)
        async throws(RegistryError) -> Identity
    {
        try requireRunning()
        try IdentityName.validate(name)
        if let metadataPatch { try IdentityName.validate(metadata: metadataPatch) }
        let now = clock.now()
        let renewal: Renewal = (ttl == nil || ttl == .zero) ? .ownTTL : .expiresAt(try expiry(for: ttl, now: now))
        let identity = try await registry.renew(name, renewal, metadataPatch: metadataPatch, now: now)
        stats.count { $0.heartbeats += 1 }
        events.publish(metadataPatch == nil ? .heartbeat : .updated, identity: identity, at: now)
        return identity
    }

    /// Removes an identity. Idempotent: removing an absent identity succeeds.
    /// - Returns: whether an identity was removed.
    @discardableResult
    public func unregister(_ name: String) async throws(RegistryError) -> Bool {
        try requireRunning()
        try IdentityName.validate(name)
        let now = clock.now()
        guard let removed = try await registry.remove(name, now: now) else { return false }
        stats.count { $0.unregistrations += 1 }
        events.publish(.unregistered, identity: removed, at: now)
        return true
    }

    /// The identity of that name.
    /// - Throws: NOT_FOUND when it is not registered or has expired.
    public func get(_ name: String) async throws(RegistryError) -> Identity {
        try requireRunning()
        try IdentityName.validate(name)
        guard let identity = try await registry.get(name, now: clock.now()) else {
            throw RegistryError(.notFound, "identity '\(name)' is not registered in namespace '\(self.name)'")
        }
        return identity
    }

    /// How many unexpired identities the namespace holds.
    public func count() async throws(RegistryError) -> Int {
        try await registry.count(now: clock.now())
    }

    /// The expiry for a requested TTL under the namespace's policy.
    func expiry(for ttl: Duration?, now: Timestamp) throws(RegistryError) -> Timestamp? {
        if let ttl, ttl < .zero {
            throw RegistryError(.invalidArgument, "ttl must not be negative, got \(ttl.written)")
        }
        let effective = (ttl == nil || ttl == .zero) ? settings.defaultTTL : ttl
        guard let effective else { return nil }
        if let maxTTL = settings.maxTTL, effective > maxTTL {
            throw RegistryError(
                .invalidArgument, "ttl \(effective.written) is above namespace '\(name)''s maximum of \(maxTTL.written)"
            )
        }
        guard effective.wholeMilliseconds > 0 else {
            throw RegistryError(.invalidArgument, "ttl \(effective) is below one millisecond")
        }
        return now.adding(effective)
    }
}
