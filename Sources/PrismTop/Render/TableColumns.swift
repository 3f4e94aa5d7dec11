/// How a column sorts: numbers by value, text by its characters.
enum SortKey: Comparable {
    case number(Double)
    case text(String)

    static func < (lhs: SortKey, rhs: SortKey) -> Bool {
        switch (lhs, rhs) {
        case (.number(let a), .number(let b)): a < b
        case (.text(let a), .text(let b)): a < b
        case (.number, .text): true
        case (.text, .number): false
        }
    }
}

/// One column of a view's table. Priority 0 columns always show; on a narrow terminal the highest
/// priority number goes first.
struct Column<Row>: Sendable {
    var title: String
    var width: Int
    var priority: Int
    var rightAligned = false
    /// Takes the width the other columns leave.
    var flexible = false
    var text: @Sendable (Row, TopState) -> String
    var role: @Sendable (Row) -> StyleRole = { _ in .normal }
    var sortKey: @Sendable (Row, TopState) -> SortKey
}

enum TableColumns {
    static func columns(for view: TopView) -> [String] {
        switch view {
        case .patterns: patterns.map(\.title)
        case .identities: identities.map(\.title)
        case .multicast: multicasts.map(\.title)
        }
    }

    static func health(_ level: HealthLevel, _ state: TopState) -> String {
        "\(level.symbol(ascii: state.ascii)) \(level.rawValue)"
    }

    static func role(_ level: HealthLevel) -> StyleRole {
        switch level {
        case .healthy: .healthy
        case .degraded: .degraded
        case .unhealthy, .unknown: .unhealthy
        }
    }

    static let patterns: [Column<PatternRow>] = [
        Column(
            title: "NAMESPACE", width: 12, priority: 0, text: { row, _ in row.namespace },
            sortKey: { row, _ in .text(row.namespace) }),
        Column(
            title: "HEALTH", width: 11, priority: 0, text: { row, state in health(row.health, state) },
            role: { role($0.health) },
            sortKey: { row, _ in .number(Double(HealthLevel.allCases.firstIndex(of: row.health)!)) }),
        Column(
            title: "LIFECYCLE", width: 9, priority: 2, text: { row, _ in row.lifecycle },
            sortKey: { row, _ in .text(row.lifecycle) }),
        Column(
            title: "REGISTRY", width: 10, priority: 1,
            text: { row, state in "\(row.registryBackend) \(row.registryHealth.symbol(ascii: state.ascii))" },
            role: { role($0.registryHealth) }, sortKey: { row, _ in .text(row.registryBackend) }),
        Column(
            title: "MESSAGING", width: 10, priority: 1,
            text: { row, state in "\(row.messagingBackend) \(row.messagingHealth.symbol(ascii: state.ascii))" },
            role: { role($0.messagingHealth) }, sortKey: { row, _ in .text(row.messagingBackend) }),
        Column(
            title: "IDENTITIES", width: 10, priority: 0, rightAligned: true,
            text: { row, _ in String(row.identities) }, sortKey: { row, _ in .number(Double(row.identities)) }),
        Column(
            title: "FANOUT/S", width: 9, priority: 2, rightAligned: true,
            text: { row, _ in Format.rate(row.fanoutPerSecond) }, sortKey: { row, _ in .number(row.fanoutPerSecond) }),
        Column(
            title: "MC/MIN", width: 7, priority: 3, rightAligned: true,
            text: { row, _ in Format.rate(row.multicastsPerMinute) },
            sortKey: { row, _ in .number(row.multicastsPerMinute) }),
        Column(
            title: "PATTERN", width: 18, priority: 4, flexible: true, text: { row, _ in row.pattern },
            sortKey: { row, _ in .text(row.pattern) }),
    ]

    static let identities: [Column<IdentityRow>] = [
        Column(
            title: "IDENTITY", width: 16, priority: 0, text: { row, _ in row.identity },
            sortKey: { row, _ in .text(row.identity) }),
        Column(
            title: "TTL", width: 7, priority: 0, rightAligned: true,
            text: { row, state in Format.ttl(row.expiresAt, now: state.now) },
            role: { _ in .normal }, sortKey: { row, _ in .number(row.expiresAt ?? .infinity) }),
        Column(
            title: "AGE", width: 7, priority: 1, rightAligned: true,
            text: { row, state in Format.age(state.now - row.registeredAt) },
            sortKey: { row, _ in .number(-row.registeredAt) }),
        Column(
            title: "NAMESPACE", width: 10, priority: 3, text: { row, _ in row.namespace },
            sortKey: { row, _ in .text(row.namespace) }),
        Column(
            title: "METADATA", width: 12, priority: 2, flexible: true, text: { row, _ in row.metadata },
            role: { _ in .dim }, sortKey: { row, _ in .text(row.metadata) }),
    ]

    static let multicasts: [Column<MulticastRow>] = [
        Column(
            title: "TIME", width: 8, priority: 0, text: { row, _ in Format.clock(row.at) },
            sortKey: { row, _ in .number(-row.at) }),
        Column(
            title: "TARGETS", width: 7, priority: 0, rightAligned: true, text: { row, _ in String(row.targets) },
            sortKey: { row, _ in .number(Double(row.targets)) }),
        Column(
            title: "DELIVERED", width: 9, priority: 0, rightAligned: true,
            text: { row, _ in String(row.delivered) }, sortKey: { row, _ in .number(Double(row.delivered)) }),
        Column(
            title: "FAILED", width: 6, priority: 1, rightAligned: true, text: { row, _ in String(row.failed) },
            role: { $0.failed > 0 ? .unhealthy : .normal }, sortKey: { row, _ in .number(Double(row.failed)) }),
        Column(
            title: "TIMEOUT", width: 7, priority: 1, rightAligned: true, text: { row, _ in String(row.timeout) },
            role: { $0.timeout > 0 ? .degraded : .normal }, sortKey: { row, _ in .number(Double(row.timeout)) }),
        Column(
            title: "LATENCY", width: 8, priority: 0, rightAligned: true,
            text: { row, _ in Format.milliseconds(row.latencyMilliseconds) },
            sortKey: { row, _ in .number(row.latencyMilliseconds) }),
        Column(
            title: "NAMESPACE", width: 10, priority: 3, text: { row, _ in row.namespace },
            sortKey: { row, _ in .text(row.namespace) }),
        Column(
            title: "FILTER", width: 12, priority: 2, flexible: true, text: { row, _ in row.filter },
            sortKey: { row, _ in .text(row.filter) }),
    ]
}

/// Column titles for the command line's `--sort`.
public enum TopColumns {
    public static func titles(of view: TopView) -> [String] { TableColumns.columns(for: view) }

    /// The position of the column titled `name` (case-insensitive), if the view has one.
    public static func index(of name: String, in view: TopView) -> Int? {
        titles(of: view).firstIndex { $0.lowercased() == name.lowercased() }
    }
}
