/// Rows in the order a view shows them: by its sort column (ties keep the fetched order), reversed
/// with `r`. The renderer draws this order and the reducer finds the selected row in it.
enum TableSorting {
    static func sorted<Row>(_ rows: [Row], by columns: [Column<Row>], _ view: TopView, _ state: TopState) -> [Row] {
        guard !columns.isEmpty else { return rows }
        let column = columns[sortIndex(count: columns.count, view, state)]
        var sorted = rows.enumerated().sorted { a, b in
            let (left, right) = (column.sortKey(a.element, state), column.sortKey(b.element, state))
            return left == right ? a.offset < b.offset : left < right
        }.map(\.element)
        if state.reversed[view] == true { sorted.reverse() }
        return sorted
    }

    static func sortIndex(count: Int, _ view: TopView, _ state: TopState) -> Int {
        min(max(0, state.sortColumn[view] ?? 0), max(0, count - 1))
    }

    /// The row under the selection bar in `view`, if there is one.
    static func selectedIdentity(_ state: TopState) -> IdentityRow? {
        selected(state.snapshot?.identities ?? [], IdentityColumns.columns(state), .identities, state)
    }

    static func selectedPattern(_ state: TopState) -> PatternRow? {
        selected(state.snapshot?.patterns ?? [], TableColumns.patterns, .patterns, state)
    }

    static func selectedMulticast(_ state: TopState) -> MulticastRow? {
        selected(state.snapshot?.multicasts ?? [], TableColumns.multicasts, .multicast, state)
    }

    private static func selected<Row>(_ rows: [Row], _ columns: [Column<Row>], _ view: TopView, _ state: TopState)
        -> Row?
    {
        let sorted = sorted(rows, by: columns, view, state)
        let index = state.selection[view] ?? 0
        return sorted.indices.contains(index) ? sorted[index] : nil
    }
}
