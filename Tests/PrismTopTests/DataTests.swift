import GRPCCore
import PrismClient
import Testing

@testable import PrismTop

@Suite("prism-top data: identity events and fetch failures")
struct DataTests {
    @Test("heartbeats in a row fold into one entry with a count; each identity keeps its latest events")
    func eventLog() {
        var log = IdentityEventLog()
        log.record(IdentityEvent(at: 1, kind: "REGISTERED"), of: "a")
        for second in 2...30 { log.record(IdentityEvent(at: Double(second), kind: "HEARTBEAT"), of: "a") }
        log.record(IdentityEvent(at: 31, kind: "UPDATED"), of: "a")
        log.record(IdentityEvent(at: 32, kind: "HEARTBEAT"), of: "a")
        #expect(
            log.events["a"] == [
                IdentityEvent(at: 1, kind: "REGISTERED"), IdentityEvent(at: 30, kind: "HEARTBEAT", count: 29),
                IdentityEvent(at: 31, kind: "UPDATED"), IdentityEvent(at: 32, kind: "HEARTBEAT"),
            ])
        for second in 0..<20 {
            log.record(
                IdentityEvent(at: Double(100 + second), kind: second.isMultiple(of: 2) ? "UPDATED" : "EXPIRED"), of: "b"
            )
        }
        #expect(log.events["b"]?.count == IdentityEventLog.eventsPerIdentity)
        #expect(log.events["b"]?.last?.at == 119)
    }

    @Test("past the identity limit, the identities quiet longest are dropped first")
    func eventLogLimit() {
        var log = IdentityEventLog()
        for number in 0...IdentityEventLog.identityLimit {
            log.record(IdentityEvent(at: Double(number), kind: "REGISTERED"), of: "id-\(number)")
        }
        #expect(log.events.count <= IdentityEventLog.identityLimit)
        #expect(log.events["id-0"] == nil)
        #expect(log.events["id-\(IdentityEventLog.identityLimit)"] != nil)
    }

    @Test(
        "a failed refresh has a short reason for the screen and keeps the whole message",
        arguments: [
            (
                PrismClientError.unreachable(server: "h:1", detail: "Could not establish a connection to h:1."),
                "cannot connect to prismd"
            ),
            (
                .unreachable(server: "h:1", detail: "connection refused (errno 111)"),
                "cannot connect to prismd (connection refused)"
            ),
            (.unreachable(server: "h:1", detail: "no answer within 5s"), "prismd gave no answer within 5s"),
            (.unreachable(server: "h:1", detail: "stream reset"), "prismd unreachable"),
            (
                .rejected(code: .notFound, message: "no namespace 'x'. Namespaces: a, b"),
                "prismd refused: NOT_FOUND no namespace 'x'"
            ),
        ])
    func failureReason(error: PrismClientError, reason: String) {
        let failure = FetchFailure(error)
        #expect(failure.reason == reason)
        #expect(failure.message == error.description)
    }

    @Test("multicast history: newest first, each multicast once whether from Watch or Stats, bounded")
    func multicastHistory() {
        func row(_ id: String, at: Double) -> MulticastRow {
            MulticastRow(
                at: at, namespace: "iot", filter: "all", targets: 1, delivered: 1, failed: 0, timeout: 0,
                latencyMilliseconds: 1, id: id)
        }
        var rows: [MulticastRow] = []
        for (id, at) in [("b", 2.0), ("c", 3.0), ("a", 1.0), ("b", 2.0), ("d", 4.0)] {
            rows = MulticastHistory.inserting(row(id, at: at), into: rows, keeping: 3)
        }
        #expect(rows.map(\.id) == ["d", "c", "b"])
        let unnamed = MulticastHistory.inserting(row("", at: 5), into: [row("", at: 5)], keeping: 3)
        #expect(unnamed.count == 1, "without an id, the time and filter say it is the same")
    }
}
