import PrismFilter

/// How a column sorts: numbers by value, text by its characters, metadata in the order
/// `prism enumerate --sort` uses (absent first, then null, booleans, numbers, strings, ...).
enum SortKey: Comparable {
    case number(Double)
    case text(String)
    case metadata(Value?)

    static func < (lhs: SortKey, rhs: SortKey) -> Bool {
        switch (lhs, rhs) {
        case (.number(let a), .number(let b)): a < b
        case (.text(let a), .text(let b)): a < b
        case (.metadata(let a), .metadata(let b)): Value.sortOrder(a, b) < 0
        default: lhs.rank < rhs.rank
        }
    }

    static func == (lhs: SortKey, rhs: SortKey) -> Bool {
        switch (lhs, rhs) {
        case (.number(let a), .number(let b)): a == b
        case (.text(let a), .text(let b)): a == b
        case (.metadata(let a), .metadata(let b)): Value.sortOrder(a, b) == 0
        default: false
        }
    }

    private var rank: Int {
        switch self {
        case .number: 0
        case .text: 1
        case .metadata: 2
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
    /// Wider than `width` would be better (a long name): the slack goes here first, up to this.
    var preferredWidth: Int? = nil
    var text: @Sendable (Row, TopState) -> String
    var role: @Sendable (Row) -> StyleRole = { _ in .normal }
    var sortKey: @Sendable (Row, TopState) -> SortKey
}

enum TableColumns {
    /// The titles of a view's columns; the Identities view's depend on the chosen metadata columns.
    static func titles(for view: TopView, _ state: TopState) -> [String] {
        switch view {
        case .patterns: patterns.map(\.title)
        case .identities: IdentityColumns.columns(state).map(\.title)
        case .multicast: multicasts.map(\.title)
        }
    }

    /// Health as a symbol and a word. Stale health has `?` for its symbol: it was true when last fetched
    /// and may no longer be, and that must read without colour too.
    static func health(_ level: HealthLevel, _ state: TopState) -> String {
        "\(symbol(level, state)) \(level.rawValue)"
    }

    static func symbol(_ level: HealthLevel, _ state: TopState) -> String {
        state.isStale ? "?" : level.symbol(ascii: state.ascii)
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
            text: { row, state in "\(row.registryBackend) \(symbol(row.registryHealth, state))" },
            role: { role($0.registryHealth) }, sortKey: { row, _ in .text(row.registryBackend) }),
        Column(
            title: "MESSAGING", width: 10, priority: 1,
            text: { row, state in "\(row.messagingBackend) \(symbol(row.messagingHealth, state))" },
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
    /// The view's column titles, with the metadata columns `state` chose.
    public static func titles(of view: TopView, in state: TopState) -> [String] {
        TableColumns.titles(for: view, state)
    }

    /// The position of the column titled `name` (case-insensitive), if the view has one.
    public static func index(of name: String, in view: TopView, of state: TopState) -> Int? {
        titles(of: view, in: state).firstIndex { $0.lowercased() == name.lowercased() }
    }
}
