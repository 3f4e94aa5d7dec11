/// Draws the state into a cell grid of a given size: header, totals, tabs (or all three views stacked
/// on a tall terminal), the table, and a last line of key hints, the filter being typed or an error.
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
        let body = 3..<(height - 1)
        if state.showingHelp {
            help(state, into: &grid, rows: body)
        } else if stacking, height >= stackedHeight {
            let share = body.count / 3
            var top = body.lowerBound
            for (index, view) in TopView.allCases.enumerated() {
                let bottom = index == 2 ? body.upperBound : top + share
                grid.put(
                    "\(index + 1) \(view.title)", x: 0, y: top, role: view == state.view ? .activeTab : .tab)
                table(view, state, into: &grid, rows: (top + 1)..<bottom)
                top = bottom
            }
        } else {
            tabs(state, into: &grid, y: 2)
            table(state.view, state, into: &grid, rows: body)
        }
        footer(state, into: &grid, y: height - 1)
        return grid
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
                state.lastError.map { "cannot reach prismd: \($0)" } ?? "connecting…", x: 0, y: 1,
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
        var x = grid.put("patterns \(snapshot.patterns.count) ", x: 0, y: 1)
        for level in [HealthLevel.healthy, .degraded, .unhealthy] {
            x += grid.put(
                "\(level.symbol(ascii: state.ascii))\(counts[level] ?? 0) ", x: x, y: 1, role: TableColumns.role(level))
        }
        grid.put(
            " identities \(identities)  expiring<10s \(expiring)  multicasts/min \(Format.rate(perMinute))  "
                + "delivery \(delivery)  p50 \(Format.milliseconds(snapshot.latencyP50Milliseconds))  "
                + "p99 \(Format.milliseconds(snapshot.latencyP99Milliseconds))",
            x: x, y: 1)
    }

    private static func tabs(_ state: TopState, into grid: inout CellGrid, y: Int) {
        var x = 0
        for (index, view) in TopView.allCases.enumerated() {
            let label = view == state.view ? "[\(index + 1) \(view.title)]" : " \(index + 1) \(view.title) "
            x += grid.put(label, x: x, y: y, role: view == state.view ? .activeTab : .tab) + 1
        }
        if !state.filter.isEmpty {
            grid.put("filter: \(state.filter)", x: x + 1, y: y, role: .dim)
        }
    }

    private static func table(_ view: TopView, _ state: TopState, into grid: inout CellGrid, rows: Range<Int>) {
        guard rows.count >= 2 else { return }
        let snapshot = state.snapshot ?? Snapshot(fetchedAt: state.now)
        switch view {
        case .patterns:
            draw(TableColumns.patterns, snapshot.patterns, view, state, &grid, rows)
        case .identities:
            draw(TableColumns.identities, snapshot.identities, view, state, &grid, rows)
            if snapshot.identityTotal > snapshot.identities.count, rows.upperBound - 1 > rows.lowerBound + 1 {
                grid.put(
                    "… \(snapshot.identityTotal - snapshot.identities.count) more match; narrow with /",
                    x: 0, y: rows.upperBound - 1, role: .dim)
            }
        case .multicast:
            if state.showingDetails, view == state.view {
                details(state, snapshot, into: &grid, rows: rows)
            } else {
                draw(TableColumns.multicasts, snapshot.multicasts, view, state, &grid, rows)
            }
        }
    }

    private static func draw<Row>(
        _ columns: [Column<Row>], _ unsorted: [Row], _ view: TopView, _ state: TopState, _ grid: inout CellGrid,
        _ rows: Range<Int>
    ) {
        let shown = fit(columns, width: grid.width)
        let sortIndex = min(state.sortColumn[view] ?? 0, columns.count - 1)
        let sortColumn = columns[sortIndex]
        var sorted = unsorted.enumerated().sorted { a, b in
            let (left, right) = (sortColumn.sortKey(a.element, state), sortColumn.sortKey(b.element, state))
            return left == right ? a.offset < b.offset : left < right
        }.map(\.element)
        if state.reversed[view] == true { sorted.reverse() }
        var x = 0
        for (column, width) in shown {
            let marker = column.title == sortColumn.title ? (state.reversed[view] == true ? "▲" : "▼") : ""
            let title =
                column.title + (state.ascii && !marker.isEmpty ? (state.reversed[view] == true ? "^" : "v") : marker)
            put(title, column, width: width, x: x, y: rows.lowerBound, role: .header, into: &grid)
            x += width + 1
        }
        grid.paint(.header, y: rows.lowerBound)
        let visible = rows.count - 1
        let selected = state.selection[view] ?? 0
        let first = max(0, min(selected - visible + 1, sorted.count - visible))
        for (offset, row) in sorted.dropFirst(first).prefix(visible).enumerated() {
            let y = rows.lowerBound + 1 + offset
            x = 0
            for (column, width) in shown {
                put(column.text(row, state), column, width: width, x: x, y: y, role: column.role(row), into: &grid)
                x += width + 1
            }
            if first + offset == selected, view == state.view { grid.paint(.selected, y: y) }
        }
        if sorted.isEmpty {
            grid.put(
                view == .identities && !state.filter.isEmpty ? "no identity matches the filter" : "nothing yet",
                x: 0, y: rows.lowerBound + 1, role: .dim)
        }
    }

    private static func put<Row>(
        _ text: String, _ column: Column<Row>, width: Int, x: Int, y: Int, role: StyleRole, into grid: inout CellGrid
    ) {
        let clipped = DisplayWidth.truncate(text, to: width)
        let offset = column.rightAligned ? width - DisplayWidth.of(clipped) : 0
        grid.put(clipped, x: x + offset, y: y, role: role, maxWidth: width - offset)
    }

    /// Drops the least important columns until the rest fit, then gives flexible columns the slack.
    static func fit<Row>(_ columns: [Column<Row>], width: Int) -> [(Column<Row>, Int)] {
        var kept = columns
        func needed(_ columns: [Column<Row>]) -> Int { columns.reduce(0) { $0 + $1.width } + max(0, columns.count - 1) }
        while needed(kept) > width,
            let drop = kept.indices.filter({ kept[$0].priority > 0 }).max(by: {
                kept[$0].priority < kept[$1].priority
            })
        {
            kept.remove(at: drop)
        }
        let slack = max(0, width - needed(kept))
        let flexible = kept.filter(\.flexible).count
        return kept.map { column in
            (column, column.flexible && flexible > 0 ? column.width + slack / flexible : column.width)
        }
    }

    private static func details(_ state: TopState, _ snapshot: Snapshot, into grid: inout CellGrid, rows: Range<Int>) {
        let sorted = snapshot.multicasts
        let index = min(state.selection[.multicast] ?? 0, max(0, sorted.count - 1))
        guard index < sorted.count else { return }
        let multicast = sorted[index]
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
            let x = grid.put(DisplayWidth.truncate(target.identity, to: 24), x: 0, y: y) + 1
            let statusWidth = grid.put(
                target.status, x: max(x, 25), y: y, role: target.status == "TIMEOUT" ? .degraded : .unhealthy)
            grid.put(target.error, x: max(x, 25) + statusWidth + 1, y: y, role: .dim)
        }
    }

    private static func help(_ state: TopState, into grid: inout CellGrid, rows: Range<Int>) {
        let lines = [
            "keys", "  1 2 3 / Tab   Patterns, Identities, Multicast",
            "  /             filter identities (filter language)",
            "  < >           sort by the previous / next column", "  r             reverse the sort",
            "  p or Space    pause (rows stay still; the clock runs)", "  j k arrows    move; PgUp PgDn Home End",
            "  Enter         failed targets of a multicast; Esc back", "  Ctrl-L        redraw and refresh now",
            "  q             quit", "", "any key closes this help",
        ]
        for (offset, line) in lines.prefix(rows.count).enumerated() {
            grid.put(line, x: 2, y: rows.lowerBound + offset, role: offset == 0 ? .header : .normal)
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
        if let error = state.lastError, state.snapshot != nil {
            grid.put("last refresh failed: \(error)", x: 0, y: y, role: .error)
            return
        }
        grid.put("q quit  ? help  / filter  < > sort  r reverse  p pause  1 2 3 views", x: 0, y: y, role: .hint)
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
