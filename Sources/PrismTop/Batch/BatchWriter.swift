import PrismCommandLine
import PrismFilter

/// Batch mode's output: what a refresh looked like, as plain text (no escape codes) or as one JSON
/// object per line, both from the same state the screen renders.
public enum BatchFormat: String, Sendable, CaseIterable {
    case text, json
}

public enum BatchWriter {
    /// The plain-text frame: the screen's header and totals, then every view's full table, or only
    /// `view`'s (`--view multicast --once`).
    public static func text(_ state: TopState, only onlyView: TopView? = nil, width: Int = 132) -> String {
        let height = max(TopRenderer.minimumHeight, 6 + rowCount(state))
        var flat = state
        flat.draft = nil
        flat.columnsDraft = nil
        flat.showingHelp = false
        flat.showingDetails = false
        flat.inspectedIdentity = nil
        var sections: [String] = []
        let frame = TopRenderer.render(flat, width: width, height: height).lines
        var top = Array(frame.prefix(2))
        if let staleSince = state.staleSince, state.snapshot != nil {
            top.append("STALE since \(Format.clock(staleSince)): \(state.staleReason ?? "refresh failed")")
        }
        sections.append(top.joined(separator: "\n"))
        for view in onlyView.map({ [$0] }) ?? TopView.allCases {
            flat.view = view
            flat.selection[view] = -1
            let rows = TopReducer.rowCount(flat, view) + 4
            let lines = TopRenderer.render(
                flat, width: width, height: max(TopRenderer.minimumHeight, rows + 1), stacking: false
            ).lines
            // Rows 3... hold the table; drop the tabs line and the key hints.
            let table = lines.dropFirst(3).dropLast().reversed().drop { $0.isEmpty }.reversed()
            sections.append("== \(view.title)\n" + table.joined(separator: "\n"))
        }
        return sections.joined(separator: "\n\n") + "\n"
    }

    private static func rowCount(_ state: TopState) -> Int {
        TopView.allCases.map { TopReducer.rowCount(state, $0) }.max() ?? 0
    }

    /// One JSON object (one line) for a refresh, in the tools' JSON shape (``ToolJSON``: lowercase words,
    /// RFC 3339 times, integer counts, the API's field names, sorted keys).
    public static func json(_ state: TopState) -> String {
        let snapshot = state.snapshot ?? Snapshot(fetchedAt: state.now)
        let patterns: [Value] = snapshot.patterns.map { row in
            .object([
                "namespace": .string(row.namespace), "pattern": .string(row.pattern),
                "lifecycle": .string(row.lifecycle.lowercased()), "health": word(row.health),
                "registry": .object(["backend": .string(row.registryBackend), "health": word(row.registryHealth)]),
                "messaging": .object(["backend": .string(row.messagingBackend), "health": word(row.messagingHealth)]),
                "identities": .int(Int64(row.identities)), "fanout_per_second": .double(row.fanoutPerSecond),
                "multicasts_per_minute": .double(row.multicastsPerMinute),
                "delivery_ratio": row.deliveryRatio.map(Value.double) ?? .null,
            ])
        }
        let identities: [Value] = snapshot.identities.map { row in
            .object([
                "namespace": .string(row.namespace), "identity": .string(row.identity),
                "metadata": .object(row.metadataObject), "registered_at": ToolJSON.time(row.registeredAt),
                "expires_at": row.expiresAt.map(ToolJSON.time) ?? .null,
                "ttl_seconds": row.expiresAt.map { .double(max(0, $0 - state.now)) } ?? .null,
                "age_seconds": .double(max(0, state.now - row.registeredAt)),
            ])
        }
        let multicasts: [Value] = snapshot.multicasts.map { row in
            .object([
                "timestamp": ToolJSON.time(row.at), "namespace": .string(row.namespace), "filter": .string(row.filter),
                "target_count": .int(Int64(row.targets)), "delivered_count": .int(Int64(row.delivered)),
                "failed_count": .int(Int64(row.failed)), "timeout_count": .int(Int64(row.timeout)),
                "latency_ms": .double(row.latencyMilliseconds),
            ])
        }
        let document: Value = .object([
            "timestamp": ToolJSON.time(state.now), "server": .string(state.server),
            "namespace": .string(state.namespace), "status": .string(state.livenessWord),
            "stale_seconds": state.staleSince.map { .int(Int64(max(0, state.now - $0))) } ?? .null,
            "error": state.lastError.map(Value.string) ?? .null,
            "stale_reason": state.staleReason.map(Value.string) ?? .null, "filter": .string(state.filter),
            "health": worstHealth(state).map(word) ?? .string("unknown"),
            "identity_total": .int(Int64(snapshot.identityTotal)),
            "latency_ms": .object([
                "p50": .double(snapshot.latencyP50Milliseconds), "p99": .double(snapshot.latencyP99Milliseconds),
            ]),
            "patterns": .array(patterns), "identities": .array(identities), "multicasts": .array(multicasts),
        ])
        return document.jsonText
    }

    private static func word(_ health: HealthLevel) -> Value {
        .string(health.rawValue.lowercased())
    }

    /// The worst namespace health; nil before the first snapshot.
    public static func worstHealth(_ state: TopState) -> HealthLevel? {
        guard let patterns = state.snapshot?.patterns else { return nil }
        let order: [HealthLevel] = [.healthy, .degraded, .unhealthy, .unknown]
        return patterns.map(\.health).max { order.firstIndex(of: $0)! < order.firstIndex(of: $1)! } ?? .healthy
    }
}
