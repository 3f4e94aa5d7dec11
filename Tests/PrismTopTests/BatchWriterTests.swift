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

    @Test("json is one parseable object per frame with the views' rows and the worst health")
    func json() throws {
        let line = BatchWriter.json(Fixtures.state())
        #expect(!line.contains("\n"))
        let document = try Value(json: line)
        #expect(document["health"] == .string("DEGRADED"))
        #expect(document["status"] == .string("LIVE"))
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
