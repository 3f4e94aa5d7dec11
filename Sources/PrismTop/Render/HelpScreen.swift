/// `?`: the keys, and what the figures in the totals line measure.
enum HelpScreen {
    static let lines: [(String, StyleRole)] = [
        ("keys", .header),
        ("  1 2 3 / Tab   Patterns, Identities, Multicast", .normal),
        ("  /             filter identities (filter language)", .normal),
        ("  c             metadata fields as columns (floor,type); < > sort by them", .normal),
        ("  < > r         sort by the previous / next column; r reverses", .normal),
        ("  p or Space    pause (rows stay still; the clock runs)", .normal),
        ("  j k arrows    move; PgUp PgDn Home End", .normal),
        ("  Enter         follow a namespace; an identity's or multicast's details", .normal),
        ("  Esc           close details;  Ctrl-L redraw and refresh now;  q quit", .normal),
        ("", .normal),
        ("what the totals measure", .header),
        ("  delivery %    delivered / targets of the last minute's multicasts,", .normal),
        ("                averaged over the namespaces that sent any (- if none)", .normal),
        ("  p50 p99       multicast latency in this namespace since prismd started,", .normal),
        ("                from the call to the last delivery, ack or ack timeout:", .normal),
        ("                half took at most p50, 99 in 100 at most p99", .normal),
        ("  expiring<10s  identities on the fetched page whose TTL ends within 10 s", .normal),
        ("  STALE Ns      refreshes have failed for N s; rows are the last fetched,", .normal),
        ("                greyed, with ? for health that may no longer hold", .normal),
        ("", .normal),
        ("any key closes this help", .hint),
    ]

    static func draw(into grid: inout CellGrid, rows: Range<Int>) {
        for (offset, (line, role)) in lines.prefix(rows.count).enumerated() {
            grid.put(line, x: 1, y: rows.lowerBound + offset, role: role)
        }
    }
}
