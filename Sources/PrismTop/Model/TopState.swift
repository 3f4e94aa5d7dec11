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
    case fetchFailed(FetchFailure, at: Double)
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
    /// Follow another namespace: its identities, multicasts and events (Enter on a namespace).
    case follow(namespace: String)
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
    /// The identity whose detail pane is open (Enter in the Identities view).
    public var inspectedIdentity: String?
    /// Metadata fields (dotted paths) shown as columns of their own in the Identities view.
    public var metadataColumns: [String] = []
    /// Non-nil while `c` editing of the metadata columns is open: the comma-separated paths.
    public var columnsDraft: String?
    /// The filter in effect for Identities.
    public var filter: String
    /// Non-nil while `/` editing is open.
    public var draft: FilterDraft?
    /// The whole message of the last failed refresh (JSON output has it).
    public var lastError: String?
    /// A few words for the screen saying why the last refresh failed.
    public var staleReason: String?
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

    /// Whether the rows on screen are the last ones fetched before refreshes started to fail.
    public var isStale: Bool { staleSince != nil }

    /// `live`, `paused` or `stale`, for JSON.
    public var livenessWord: String {
        staleSince != nil ? "stale" : paused ? "paused" : "live"
    }

    /// LIVE, PAUSED or STALE Ns.
    public var liveness: String {
        if let staleSince { return "STALE \(max(0, Int(now - staleSince)))s" }
        return paused ? "PAUSED" : "LIVE"
    }
}
