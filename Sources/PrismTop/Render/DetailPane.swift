/// What Enter opens over the body: an identity's detail (its metadata pretty-printed, TTL, registered
/// and updated times, its recent events) or the failed targets of a multicast.
enum DetailPane {
    /// Events listed at most; the newest first.
    static let shownEvents = 8

    static func identity(_ name: String, _ state: TopState, into grid: inout CellGrid, rows: Range<Int>) {
        let snapshot = state.snapshot
        let row = snapshot?.identities.first { $0.identity == name }
        var lines: [(String, StyleRole)] = []
        let back = "  (Esc or Enter: back)"
        lines.append(("identity \(name)  namespace \(state.namespace)\(back)", .header))
        if let row {
            let expires = row.expiresAt.map { "  expires \(Format.clock($0)) UTC" } ?? ""
            lines.append(("  TTL         \(Format.ttl(row.expiresAt, now: state.now))\(expires)", .normal))
            lines.append(("  registered  \(moment(row.registeredAt, state))", .normal))
            lines.append(("  updated     \(row.updatedAt.map { moment($0, state) } ?? "-")", .normal))
        } else {
            lines.append(("  no longer registered (unregistered or expired), or not on the fetched page", .degraded))
        }
        let events = (snapshot?.identityEvents[name] ?? []).suffix(shownEvents).reversed()
        let eventLines: [(String, StyleRole)] =
            [("recent events", .title)]
            + (events.isEmpty
                ? [("  none seen since prism-top started", .dim)]
                : events.map { ("  \(Format.clock($0.at))  \($0.kind)\(repeats($0, state))", .normal) })
        var metadata = (row.map { MetadataText.prettyLines($0.metadataObject) } ?? []).map {
            ("  " + $0, StyleRole.normal)
        }
        // The events keep their lines; the metadata is cut, saying by how much, when the pane is short.
        let room = rows.count - lines.count - 1 - eventLines.count - 1
        if row != nil, metadata.count > room {
            let hidden = metadata.count - max(0, room - 1)
            metadata = Array(metadata.prefix(max(0, room - 1))) + [("  … \(hidden) more lines", .dim)]
        }
        if row != nil { lines += [("metadata", .title)] + metadata }
        lines += eventLines
        for (offset, (text, role)) in lines.prefix(rows.count).enumerated() {
            grid.put(text, x: 0, y: rows.lowerBound + offset, role: state.isStale && role == .normal ? .dim : role)
        }
        grid.paint(.header, y: rows.lowerBound)
    }

    /// ` ×19` for heartbeats folded into one entry.
    private static func repeats(_ event: IdentityEvent, _ state: TopState) -> String {
        event.count > 1 ? " \(state.ascii ? "x" : "×")\(event.count)" : ""
    }

    /// `11:04:35 UTC (2m05s ago)`.
    private static func moment(_ at: Double, _ state: TopState) -> String {
        "\(Format.clock(at)) UTC  (\(Format.age(state.now - at)) ago)"
    }

    static func multicast(_ state: TopState, into grid: inout CellGrid, rows: Range<Int>) {
        guard let multicast = TableSorting.selectedMulticast(state) else { return }
        grid.put(
            "multicast at \(Format.clock(multicast.at)): \(multicast.filter)  (Esc to go back)", x: 0,
            y: rows.lowerBound,
            role: .header)
        grid.paint(.header, y: rows.lowerBound)
        if multicast.failedTargets.isEmpty {
            grid.put("every target was delivered", x: 0, y: rows.lowerBound + 1, role: .healthy)
            return
        }
        for (offset, target) in multicast.failedTargets.prefix(rows.count - 1).enumerated() {
            let y = rows.lowerBound + 1 + offset
            let x = grid.put(DisplayWidth.truncate(target.identity, to: 48), x: 0, y: y) + 1
            let statusWidth = grid.put(
                target.status, x: max(x, 25), y: y, role: target.status == "TIMEOUT" ? .degraded : .unhealthy)
            grid.put(target.error, x: max(x, 25) + statusWidth + 1, y: y, role: .dim)
        }
    }
}
