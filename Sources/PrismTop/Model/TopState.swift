/// The three views, as tabs `1` `2` `3`, or stacked on a tall terminal.
public enum TopView: String, Sendable, CaseIterable {
    case patterns, identities, multicast

    public var title: String {
        switch self {
        case .patterns: "Patterns"
        case .identities: "Identities"
        case .multicast: "Multicast"
        }
    }
}

/// A key as the reducer sees it, whatever the terminal library calls it.
public enum TopKey: Sendable, Equatable {
    case character(Character)
    case up, down, pageUp, pageDown, home, end
    case enter, escape, backspace
    /// Ctrl-L: redraw.
    case redraw
}

/// What happens to prism-top: keys, fetched data, failures, clock ticks.
public enum TopEvent: Sendable {
    case key(TopKey)
    case snapshot(Snapshot)
    case fetchFailed(String, at: Double)
    /// The wall clock, in Unix seconds; TTL countdowns and STALE age tick with it.
    case tick(Double)
}

/// What the reducer asks the outside world to do.
public enum TopEffect: Sendable, Equatable {
    case quit
    /// Fetch identities with this filter (already checked to parse) from now on.
    case applyFilter(String)
    case refreshNow
    case redraw
}

/// A filter being typed after `/`, with its parse error (message and 1-based column) when it has one.
public struct FilterDraft: Sendable, Equatable {
    public var text: String
    public var error: String?
    public var errorColumn: Int?
}

/// The whole UI state: the last snapshot plus what the user chose.
public struct TopState: Sendable {
    public var server: String
    public var namespace: String
    public var interval: Double
    public var snapshot: Snapshot?
    public var now: Double
    public var view: TopView
    public var sortColumn: [TopView: Int] = [:]
    public var reversed: [TopView: Bool] = [:]
    public var selection: [TopView: Int] = [:]
    public var paused = false
    public var showingHelp = false
    /// The failed targets of the selected multicast (Enter in the Multicast view).
    public var showingDetails = false
    /// The filter in effect for Identities.
    public var filter: String
    /// Non-nil while `/` editing is open.
    public var draft: FilterDraft?
    public var lastError: String?
    /// When fetching started to fail; the view shows STALE with the age.
    public var staleSince: Double?
    public var ascii: Bool
    public var color: Bool

    public init(
        server: String, namespace: String, interval: Double, now: Double, view: TopView = .patterns,
        filter: String = "", ascii: Bool = false, color: Bool = true
    ) {
        self.server = server
        self.namespace = namespace
        self.interval = interval
        self.now = now
        self.view = view
        self.filter = filter
        self.ascii = ascii
        self.color = color
    }

    /// LIVE, PAUSED or STALE Ns.
    /// `live`, `paused` or `stale`, for JSON.
    public var livenessWord: String {
        staleSince != nil ? "stale" : paused ? "paused" : "live"
    }

    public var liveness: String {
        if let staleSince { return "STALE \(max(0, Int(now - staleSince)))s" }
        return paused ? "PAUSED" : "LIVE"
    }
}
