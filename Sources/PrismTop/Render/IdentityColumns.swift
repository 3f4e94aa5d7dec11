import PrismFilter

/// The Identities view's columns. The identity is the key a person reads rows by, so its column is as
/// wide as the longest name (at least up to ``maximumIdentityWidth``, and beyond it while the other
/// columns still fit) instead of a fixed share; the metadata fields chosen with `--columns` (or `c`)
/// come next, and the remaining metadata takes what is left.
enum IdentityColumns {
    /// Names up to this long are always shown whole; longer ones too when the terminal has the room, else
    /// they end in `…` (the detail pane shows them whole).
    static let maximumIdentityWidth = 48
    /// A chosen metadata column is at most this wide.
    static let maximumFieldWidth = 24

    static func columns(_ state: TopState) -> [Column<IdentityRow>] {
        let rows = state.snapshot?.identities ?? []
        let chosen = Set(state.metadataColumns)
        var columns: [Column<IdentityRow>] = [
            Column(
                title: "IDENTITY", width: identityWidth(rows), priority: 0,
                preferredWidth: rows.reduce(0) { max($0, DisplayWidth.of($1.identity)) },
                text: { row, _ in row.identity }, sortKey: { row, _ in .text(row.identity) }),
            Column(
                title: "TTL", width: 7, priority: 0, rightAligned: true,
                text: { row, state in Format.ttl(row.expiresAt, now: state.now) },
                sortKey: { row, _ in .number(row.expiresAt ?? .infinity) }),
            Column(
                title: "AGE", width: 7, priority: 1, rightAligned: true,
                text: { row, state in Format.age(state.now - row.registeredAt) },
                sortKey: { row, _ in .number(-row.registeredAt) }),
        ]
        columns += state.metadataColumns.map { path in field(path, rows: rows) }
        columns += [
            Column(
                title: "NAMESPACE", width: 10, priority: 4, text: { row, _ in row.namespace },
                sortKey: { row, _ in .text(row.namespace) }),
            Column(
                title: "METADATA", width: 12, priority: 3, flexible: true,
                text: { row, _ in
                    chosen.isEmpty ? row.metadata : MetadataText.pairs(row.metadataObject, excluding: chosen)
                },
                role: { _ in .dim }, sortKey: { row, _ in .text(row.metadata) }),
        ]
        return columns
    }

    static func identityWidth(_ rows: [IdentityRow]) -> Int {
        let longest = rows.reduce(0) { max($0, DisplayWidth.of($1.identity)) }
        // Room for the title and its sort arrow.
        return min(maximumIdentityWidth, max("IDENTITY".count + 2, longest))
    }

    /// A column for one metadata field: titled by its path in capitals, as wide as its widest value.
    private static func field(_ path: String, rows: [IdentityRow]) -> Column<IdentityRow> {
        let title = path.uppercased()
        let widest = rows.reduce(DisplayWidth.of(title) + 1) { widest, row in
            max(
                widest,
                MetadataText.value(row.metadataObject, at: path).map { DisplayWidth.of(MetadataText.field($0)) } ?? 1)
        }
        let isNumeric = rows.contains { row in
            switch MetadataText.value(row.metadataObject, at: path) {
            case .int?, .double?: true
            default: false
            }
        }
        return Column(
            title: title, width: min(maximumFieldWidth, widest), priority: 2, rightAligned: isNumeric,
            text: { row, _ in MetadataText.value(row.metadataObject, at: path).map(MetadataText.field) ?? "-" },
            sortKey: { row, _ in .metadata(MetadataText.value(row.metadataObject, at: path)) })
    }
}
