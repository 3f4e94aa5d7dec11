/// A view's table: a header with the sort arrow, the rows in sort order scrolled to keep the selection
/// in sight, and the columns that fit.
extension TopRenderer {
    static func draw<Row>(
        _ columns: [Column<Row>], _ unsorted: [Row], _ view: TopView, _ state: TopState, _ grid: inout CellGrid,
        _ rows: Range<Int>
    ) {
        let shown = fit(columns, width: grid.width)
        let sortColumn = columns[TableSorting.sortIndex(count: columns.count, view, state)]
        let sorted = TableSorting.sorted(unsorted, by: columns, view, state)
        let reversed = state.reversed[view] == true
        var x = 0
        for (column, width) in shown {
            let marker =
                column.title != sortColumn.title ? "" : state.ascii ? (reversed ? "^" : "v") : reversed ? "▲" : "▼"
            put(column.title + marker, column, width: width, x: x, y: rows.lowerBound, role: .header, into: &grid)
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
                // Stale rows are greyed whatever their health: their colour would claim it is current.
                let role = state.isStale ? .dim : column.role(row)
                put(column.text(row, state), column, width: width, x: x, y: y, role: role, into: &grid)
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

    /// Drops the least important columns until the rest fit, then gives the slack to columns that would
    /// rather be wider (up to their preferred width), and what is left to flexible columns.
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
        var slack = max(0, width - needed(kept))
        var widths = kept.map(\.width)
        for index in kept.indices {
            guard let preferred = kept[index].preferredWidth, preferred > widths[index] else { continue }
            let more = min(slack, preferred - widths[index])
            widths[index] += more
            slack -= more
        }
        let flexible = kept.filter(\.flexible).count
        return zip(kept, widths).map { column, width in
            (column, column.flexible && flexible > 0 ? width + slack / flexible : width)
        }
    }
}
