/// The multicast rows prism-top keeps, newest first: the same multicast comes from both the Watch
/// stream and Stats' recent multicasts, and is kept once.
enum MulticastHistory {
    static func inserting(_ row: MulticastRow, into rows: [MulticastRow], keeping limit: Int) -> [MulticastRow] {
        let isSame: (MulticastRow) -> Bool =
            row.id.isEmpty ? { $0.at == row.at && $0.filter == row.filter } : { $0.id == row.id }
        guard !rows.contains(where: isSame) else { return rows }
        var rows = rows
        let position = rows.firstIndex { $0.at < row.at } ?? rows.endIndex
        rows.insert(row, at: position)
        if rows.count > limit { rows.removeLast(rows.count - limit) }
        return rows
    }
}
