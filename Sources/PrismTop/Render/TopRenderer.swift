/// Draws the state into a cell grid of a given size: header, totals, tabs (or all three views stacked
/// on a tall terminal), the table or an open detail pane, and a last line of key hints, the filter or
/// columns being typed, or why the data is stale.
public enum TopRenderer {
    public static let minimumWidth = 60
    public static let minimumHeight = 15
    /// From this many rows, the three views are stacked instead of tabbed.
    public static let stackedHeight = 40

    /// - Parameter stacking: false draws only the current view however tall the grid is (batch mode
    ///   renders each view's whole table on its own).
    public static func render(_ state: TopState, width: Int, height: Int, stacking: Bool = true) -> CellGrid {
        var grid = CellGrid(width: width, height: height)
        guard width >= minimumWidth, height >= minimumHeight else {
            let notice = "terminal too small: \(width)x\(height), prism-top needs \(minimumWidth)x\(minimumHeight)"
            for (row, line) in wrap(notice, width: max(1, width)).prefix(max(0, height)).enumerated() {
                grid.put(line, x: 0, y: row, role: .error)
            }
            return grid
        }
        header(state, into: &grid)
        totals(state, into: &grid)
        if state.showingHelp {
            HelpScreen.draw(into: &grid, rows: 2..<(height - 1))
        } else if stacking, height >= stackedHeight {
            stacked(state, into: &grid, rows: 2..<(height - 1))
        } else {
            tabs(state, into: &grid, y: 2)
            pane(state.view, state, into: &grid, rows: 3..<(height - 1))
        }
        footer(state, into: &grid, y: height - 1)
        return grid
    }

    /// The three views one under the other, each as tall as its content asks (see ``StackedLayout``);
    /// an open detail pane takes the whole body instead.
    private static func stacked(_ state: TopState, into grid: inout CellGrid, rows body: Range<Int>) {
        if state.inspectedIdentity != nil || (state.showingDetails && state.view == .multicast) {
            grid.put(title(state.view, state), x: 0, y: body.lowerBound + 1, role: .activeTab)
            pane(state.view, state, into: &grid, rows: (body.lowerBound + 2)..<body.upperBound)
            return
        }
        let views = TopView.allCases
        let heights = StackedLayout.heights(
            needs: views.map { StackedLayout.need(of: $0, state) }, available: body.count,
            preferring: views.firstIndex(of: state.view)!)
        var top = body.lowerBound
        for (view, height) in zip(views, heights) {
            grid.put(title(view, state), x: 0, y: top + 1, role: view == state.view ? .activeTab : .tab)
            pane(view, state, into: &grid, rows: (top + 2)..<(top + height))
            top += height
        }
    }

    /// `2 Identities  filter: type == "valve"  3 match`: the number key, and for Identities the filter
    /// in effect and how many identities it matches.
    static func title(_ view: TopView, _ state: TopState) -> String {
        let number = TopView.allCases.firstIndex(of: view)! + 1
        guard view == .identities, !state.filter.isEmpty else { return "\(number) \(view.title)" }
        return "\(number) \(view.title)  \(filterSummary(state))"
    }

    /// `filter: type == "valve"  3 match`.
    static func filterSummary(_ state: TopState) -> String {
        let matches = state.snapshot.map { "  \($0.identityTotal) match" } ?? ""
        return "filter: \(state.filter)\(matches)"
    }

    private static func header(_ state: TopState, into grid: inout CellGrid) {
        let left =
            "prism-top  \(state.server)  namespace \(state.namespace)  every \(Format.fixed(state.interval, digits: state.interval == state.interval.rounded() ? 0 : 2))s  \(Format.clock(state.now)) UTC"
        grid.put(left, x: 0, y: 0, role: .title, maxWidth: grid.width - 12)
        let liveness = state.liveness
        let role: StyleRole = state.staleSince != nil ? .stale : state.paused ? .degraded : .healthy
        grid.put(liveness, x: grid.width - DisplayWidth.of(liveness), y: 0, role: role)
    }

    private static func totals(_ state: TopState, into grid: inout CellGrid) {
        guard let snapshot = state.snapshot else {
            grid.put(
                state.staleReason.map { "no data yet: \($0)" } ?? "connecting…", x: 0, y: 1,
                role: state.lastError == nil ? .dim : .error)
            return
        }
        var counts: [HealthLevel: Int] = [:]
        for pattern in snapshot.patterns { counts[pattern.health, default: 0] += 1 }
        let identities = snapshot.patterns.reduce(0) { $0 + $1.identities }
        let expiring = snapshot.identities.filter { row in
            guard let expiresAt = row.expiresAt else { return false }
            return expiresAt > state.now && expiresAt - state.now <= 10
        }.count
        let perMinute = snapshot.patterns.reduce(0) { $0 + $1.multicastsPerMinute }
        let ratios = snapshot.patterns.compactMap(\.deliveryRatio)
        let delivery = ratios.isEmpty ? "-" : Format.percent(ratios.reduce(0, +) / Double(ratios.count))
        // Stale figures are greyed: they describe the moment of the last refresh, not now.
        let plain: StyleRole = state.isStale ? .dim : .normal
        var x = grid.put("patterns \(snapshot.patterns.count) ", x: 0, y: 1, role: plain)
        for level in [HealthLevel.healthy, .degraded, .unhealthy] {
            x += grid.put(
                "\(level.symbol(ascii: state.ascii))\(counts[level] ?? 0) ", x: x, y: 1,
                role: state.isStale ? .dim : TableColumns.role(level))
        }
        grid.put(
            " identities \(identities)  expiring<10s \(expiring)  multicasts/min \(Format.rate(perMinute))  "
                + "delivery \(delivery)  p50 \(Format.milliseconds(snapshot.latencyP50Milliseconds))  "
                + "p99 \(Format.milliseconds(snapshot.latencyP99Milliseconds))",
            x: x, y: 1, role: plain)
    }

    private static func tabs(_ state: TopState, into grid: inout CellGrid, y: Int) {
        var x = 0
        for (index, view) in TopView.allCases.enumerated() {
            let label = view == state.view ? "[\(index + 1) \(view.title)]" : " \(index + 1) \(view.title) "
            x += grid.put(label, x: x, y: y, role: view == state.view ? .activeTab : .tab) + 1
        }
        if !state.filter.isEmpty {
            grid.put(filterSummary(state), x: x + 1, y: y, role: .dim)
        }
    }

    /// A view's table, or the detail pane Enter opened on it.
    private static func pane(_ view: TopView, _ state: TopState, into grid: inout CellGrid, rows: Range<Int>) {
        guard rows.count >= 2 else { return }
        let snapshot = state.snapshot ?? Snapshot(fetchedAt: state.now)
        switch view {
        case .patterns:
            draw(TableColumns.patterns, snapshot.patterns, view, state, &grid, rows)
        case .identities:
            if let name = state.inspectedIdentity, view == state.view {
                DetailPane.identity(name, state, into: &grid, rows: rows)
                return
            }
            draw(IdentityColumns.columns(state), snapshot.identities, view, state, &grid, rows)
            if snapshot.identityTotal > snapshot.identities.count, rows.upperBound - 1 > rows.lowerBound + 1 {
                grid.put(
                    "… \(snapshot.identityTotal - snapshot.identities.count) more match; narrow with /",
                    x: 0, y: rows.upperBound - 1, role: .dim)
            }
        case .multicast:
            if state.showingDetails, view == state.view {
                DetailPane.multicast(state, into: &grid, rows: rows)
            } else {
                draw(TableColumns.multicasts, snapshot.multicasts, view, state, &grid, rows)
            }
        }
    }

    private static func footer(_ state: TopState, into grid: inout CellGrid, y: Int) {
        if let draft = state.draft {
            let x = grid.put("/ ", x: 0, y: y, role: .hint)
            grid.put(draft.text, x: x, y: y)
            if let error = draft.error {
                let column = draft.errorColumn.map { " (column \($0))" } ?? ""
                let position = x + DisplayWidth.of(draft.text) + 2
                grid.put("← \(error)\(column)", x: position, y: y, role: .error)
            }
            return
        }
        if let text = state.columnsDraft {
            var x = grid.put("columns: ", x: 0, y: y, role: .hint)
            x += grid.put(text, x: x, y: y)
            let known = knownPaths(state).joined(separator: " ")
            grid.put("  (comma-separated; Enter shows, Esc cancels) \(known)", x: x, y: y, role: .dim)
            return
        }
        if let staleSince = state.staleSince, state.snapshot != nil {
            let reason = state.staleReason ?? "refresh failed"
            grid.put(
                "STALE since \(Format.clock(staleSince)): \(reason); showing the last data", x: 0, y: y,
                role: .stale)
            return
        }
        grid.put(
            "q quit  ? help  / filter  c columns  < > sort  p pause  Enter open  1 2 3 views", x: 0, y: y,
            role: .hint)
    }

    /// Metadata paths of the fetched identities, to choose columns from.
    private static func knownPaths(_ state: TopState) -> [String] {
        var paths = Set<String>()
        for row in (state.snapshot?.identities ?? []).prefix(100) {
            paths.formUnion(MetadataText.paths(row.metadataObject))
        }
        return paths.sorted()
    }

    private static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty, DisplayWidth.of(line) + 1 + DisplayWidth.of(String(word)) > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
