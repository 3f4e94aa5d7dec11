/// The latest events of each identity, bounded in both directions: a few per identity, and a cap on
/// identities (the ones quiet longest are dropped first). Heartbeats in a row fold into one entry with
/// a count, so a device that heartbeats every second still shows when it registered or changed.
struct IdentityEventLog: Sendable {
    static let eventsPerIdentity = 8
    static let identityLimit = 5000

    private(set) var events: [String: [IdentityEvent]] = [:]

    mutating func record(_ event: IdentityEvent, of identity: String) {
        var list = events[identity] ?? []
        if event.kind == "HEARTBEAT", var last = list.last, last.kind == "HEARTBEAT" {
            last.at = event.at
            last.count += 1
            list[list.count - 1] = last
        } else {
            list.append(event)
            if list.count > Self.eventsPerIdentity { list.removeFirst(list.count - Self.eventsPerIdentity) }
        }
        events[identity] = list
        if events.count > Self.identityLimit { dropQuietest() }
    }

    /// Drops a tenth of the identities at once, so the sort is paid once per many new identities.
    private mutating func dropQuietest() {
        let quietest = events.sorted { ($0.value.last?.at ?? 0) < ($1.value.last?.at ?? 0) }
            .prefix(Self.identityLimit / 10)
        for (identity, _) in quietest { events[identity] = nil }
    }
}
