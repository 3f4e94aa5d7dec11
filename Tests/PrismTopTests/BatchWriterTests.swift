import PrismFilter
import Testing

@testable import PrismTop

@Suite("prism-top batch output")
struct BatchWriterTests {
    @Test("text has every view's rows and no escape byte")
    func text() {
        let text = BatchWriter.text(Fixtures.state())
        #expect(!text.utf8.contains(0x1B))
        #expect(text.contains("== Patterns"))
        #expect(text.contains("== Identities"))
        #expect(text.contains("== Multicast"))
        #expect(text.contains("gw-3"))
        #expect(text.contains(#"type == "sensor""#))
    }

    /// A tall table once made its view render stacked with the others, repeating them with blank rows.
    @Test("a view with many rows is printed once, row after row, without the other views or blank lines")
    func manyRows() {
        var snapshot = Fixtures.snapshot
        snapshot.identities = (0..<60).map { number in
            IdentityRow(
                namespace: "iot", identity: "device-\(number)", registeredAt: Fixtures.now - 10,
                expiresAt: Fixtures.now + 10, metadata: "type=sensor")
        }
        snapshot.identityTotal = 60
        var state = Fixtures.state()
        _ = TopReducer.reduce(&state, .snapshot(snapshot))
        let text = BatchWriter.text(state)
        let sections = text.components(separatedBy: "\n== ")
        let identities = sections.first { $0.hasPrefix("Identities") } ?? ""
        let lines = identities.split(separator: "\n", omittingEmptySubsequences: false).dropFirst()
        #expect(lines.count == 62, "header, 60 rows and the blank line before the next section")
        #expect(lines.filter { $0.hasPrefix("device-") }.count == 60)
        #expect(!identities.contains("Patterns"))
        #expect(!identities.contains("HEALTH"))
        #expect(text.components(separatedBy: "== Patterns").count == 2)
    }

    @Test("json is one parseable object per frame with the views' rows and the worst health")
    func json() throws {
        let line = BatchWriter.json(Fixtures.state())
        #expect(!line.contains("\n"))
        let document = try Value(json: line)
        #expect(document["health"] == .string("degraded"))
        #expect(document["status"] == .string("live"))
        guard case .array(let identities)? = document["identities"] else {
            Issue.record("no identities array")
            return
        }
        #expect(identities.count == 3)
        guard case .array(let patterns)? = document["patterns"] else {
            Issue.record("no patterns array")
            return
        }
        #expect(patterns.count == 2)
    }
}
