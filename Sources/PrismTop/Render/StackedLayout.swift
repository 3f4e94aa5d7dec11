/// How the rows of a tall terminal are shared by the three stacked views: each gets what its content
/// needs (a title, a header and its rows); when that is more than there is, each is first given up to a
/// third, and what the small ones leave goes to the ones that want more, the active view first.
enum StackedLayout {
    /// Rows for each of `needs`, in order; the sum is at most `available` (what is left stays blank).
    static func heights(needs: [Int], available: Int, preferring first: Int) -> [Int] {
        guard needs.reduce(0, +) > available, !needs.isEmpty else { return needs }
        let share = available / needs.count
        var heights = needs.map { min($0, share) }
        var left = available - heights.reduce(0, +)
        let order = [first] + needs.indices.filter { $0 != first }
        for index in order where left > 0 {
            let more = min(left, needs[index] - heights[index])
            heights[index] += more
            left -= more
        }
        return heights
    }

    /// Rows a view's pane needs to show all it has: a blank line that sets it apart, its title, the table
    /// header, and its rows (at least one, for "nothing yet"), plus the "more match" line of a cut
    /// identity list.
    static func need(of view: TopView, _ state: TopState) -> Int {
        let rows = max(1, TopReducer.rowCount(state, view))
        let snapshot = state.snapshot
        let more = view == .identities && (snapshot?.identityTotal ?? 0) > (snapshot?.identities.count ?? 0) ? 1 : 0
        return 3 + rows + more
    }
}
