import PrismRegistry
import Testing

/// Two messaging slots of one namespace as two prismd would hold them: one sends, the other has the
/// subscribers. For a slot that lives in one process (in-process messaging) both are the same slot.
public struct MessagingSlotPair: Sendable {
    public let sender: any MessagingSlot
    public let receiver: any MessagingSlot
    public let namespace: String

    public init(sender: any MessagingSlot, receiver: any MessagingSlot, namespace: String) {
        self.sender = sender
        self.receiver = receiver
        self.namespace = namespace
    }

    /// One message per identity, with ids unique to the pair's namespace.
    public func messages(to identities: [String], payload: String = "hello") -> [OutboundMessage] {
        identities.enumerated().map { index, identity in
            OutboundMessage(
                identity: identity, messageID: "\(namespace)-\(index)", multicastID: "\(namespace)-mc",
                namespace: namespace, payload: Array("\(payload) \(identity)".utf8), contentType: "text/plain")
        }
    }

    func close() async {
        await sender.close()
        if receiver as AnyObject !== sender as AnyObject { await receiver.close() }
    }
}

/// The behaviour every ``MessagingSlot`` must share, as checks a backend's tests run on a fresh pair:
///
/// ```
/// @Test(arguments: MessagingSlotConformance.checkNames)
/// func conformance(_ check: String) async throws {
///     try await MessagingSlotConformance.run(check, on: MessagingSlotPair(sender: a, receiver: b, namespace: "t"))
/// }
/// ```
public enum MessagingSlotConformance {
    public typealias Check = @Sendable (MessagingSlotPair) async throws -> Void

    public static let checks: [(name: String, run: Check)] = [
        ("acked fan-out to 1,000 subscribers: every one DELIVERED, in request order", ackedFanOut),
        ("silent subscribers TIMEOUT, exactly those, the rest DELIVERED", silentSubscribers),
        ("nobody subscribed: FAILED no subscriber at once, not TIMEOUT at the deadline", noSubscriber),
        ("a subscriber sees the payload, ids, namespace and content type", fieldsArrive),
        ("an ack with an error is FAILED with its text; a second ack is NOT_FOUND", ackWithError),
        ("an ack's reply reaches the sender; a reply above 4 KiB is refused and changes nothing", ackReplies),
        ("a blank ack error still counts as FAILED", blankAckError),
        ("after unsubscribing, a request is FAILED no subscriber", unsubscribe),
    ]

    public static var checkNames: [String] { checks.map(\.name) }

    /// Runs the check called `name` on `pair`, then closes both slots, whether the check passed or not.
    public static func run(_ name: String, on pair: MessagingSlotPair) async throws {
        try await ConformanceRunner.run(name, among: checks, on: pair) { await $0.close() }
    }

    /// Runs `body` while the receiver, subscribed to `identities` (on the backend too) before `body`
    /// starts, acks with `reply` the messages `shouldAck` accepts. Returns the acks the slot refused.
    static func whileAcking(
        _ pair: MessagingSlotPair, _ identities: [String], where shouldAck: @escaping @Sendable (String) -> Bool,
        error: String? = nil, reply: @escaping @Sendable (String) -> [UInt8] = { _ in [] },
        _ body: () async throws -> Void
    ) async throws -> [RegistryError] {
        let subscription = try await pair.receiver.subscribe(to: identities)
        defer { subscription.cancel() }
        let receiver = pair.receiver
        async let refusals = { () -> [RegistryError] in
            var refused: [RegistryError] = []
            for await inbound in subscription where inbound.ackRequested && shouldAck(inbound.message.identity) {
                let identity = inbound.message.identity
                do throws(RegistryError) {
                    try await receiver.acknowledge(
                        messageID: inbound.message.messageID, error: error, reply: reply(identity))
                } catch {
                    refused.append(error)
                }
            }
            return refused
        }()
        try await body()
        subscription.cancel()
        return await refusals
    }

    static func ackedFanOut(_ pair: MessagingSlotPair) async throws {
        let identities = (0..<1000).map { "device-\($0)" }
        let refused = try await whileAcking(pair, identities, where: { _ in true }) {
            let results = await pair.sender.request(pair.messages(to: identities), timeout: .seconds(10))
            #expect(results.count == 1000)
            #expect(results.allSatisfy { $0.status == .delivered && $0.error == nil })
            #expect(results.map(\.identity) == identities)
        }
        #expect(refused.isEmpty)
    }

    static func silentSubscribers(_ pair: MessagingSlotPair) async throws {
        let identities = (0..<1000).map { "unit-\($0)" }
        let silent = Set(identities.enumerated().filter { $0.offset % 10 == 3 }.map(\.element))
        _ = try await whileAcking(pair, identities, where: { !silent.contains($0) }) {
            // Long enough for 900 acks on a loaded machine; the silent 100 hold the call for all of it.
            let results = await pair.sender.request(pair.messages(to: identities), timeout: .seconds(5))
            let timedOut = Set(results.filter { $0.status == .timeout }.map(\.identity))
            #expect(timedOut.symmetricDifference(silent).isEmpty, "\(timedOut.count) timed out, \(silent.count) silent")
            #expect(results.filter { $0.status == .delivered }.count == 900)
            #expect(results.filter { $0.status == .timeout }.allSatisfy { $0.error?.isEmpty == false })
        }
    }

    static func noSubscriber(_ pair: MessagingSlotPair) async throws {
        let identities = (0..<200).map { "absent-\($0)" }
        // A deadline the check would notice: the answer must come long before it.
        let started = ContinuousClock.now
        let results = await pair.sender.request(pair.messages(to: identities), timeout: .seconds(60))
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(results.count == 200)
        #expect(results.allSatisfy { $0.status == .failed && $0.error == "no subscriber" })
    }

    static func fieldsArrive(_ pair: MessagingSlotPair) async throws {
        let subscription = try await pair.receiver.subscribe(to: ["thermostat"])
        let message = OutboundMessage(
            identity: "thermostat", messageID: "m-1", multicastID: "mc-1", namespace: pair.namespace,
            payload: Array(#"{"command":"read"}"#.utf8), contentType: "application/json")
        let results = await pair.sender.publish([message])
        #expect(results == [DeliveryResult(identity: "thermostat", status: .delivered)])
        var iterator = subscription.makeAsyncIterator()
        let received = try #require(await iterator.next())
        #expect(received.ackRequested == false)
        #expect(received.message.identity == "thermostat")
        #expect(received.message.messageID == "m-1")
        #expect(received.message.multicastID == "mc-1")
        #expect(received.message.namespace == pair.namespace)
        #expect(received.message.contentType == "application/json")
        #expect(received.message.payload == Array(#"{"command":"read"}"#.utf8))
        subscription.cancel()
    }

    static func ackWithError(_ pair: MessagingSlotPair) async throws {
        let subscription = try await pair.receiver.subscribe(to: ["valve-7"])
        defer { subscription.cancel() }
        let receiver = pair.receiver
        async let secondRefused = { () -> Bool in
            var secondRefused = false
            for await inbound in subscription {
                try? await receiver.acknowledge(messageID: inbound.message.messageID, error: "valve stuck")
                do throws(RegistryError) {
                    try await receiver.acknowledge(messageID: inbound.message.messageID, error: nil)
                } catch {
                    secondRefused = error.code == .notFound
                }
            }
            return secondRefused
        }()
        let results = await pair.sender.request(pair.messages(to: ["valve-7"]), timeout: .seconds(10))
        #expect(results == [DeliveryResult(identity: "valve-7", status: .failed, error: "valve stuck")])
        subscription.cancel()
        #expect(await secondRefused, "a second ack of one message must be NOT_FOUND")
    }

    static func ackReplies(_ pair: MessagingSlotPair) async throws {
        let oversize = Array(repeating: UInt8(ascii: "x"), count: DeliveryResult.maxReplyBytes + 1)
        let subscription = try await pair.receiver.subscribe(to: ["meter-1", "meter-2"])
        defer { subscription.cancel() }
        let receiver = pair.receiver
        async let refused = { () -> [RegistryError.Code] in
            var refusals: [RegistryError.Code] = []
            for await inbound in subscription {
                let id = inbound.message.messageID
                if inbound.message.identity == "meter-1" {
                    try? await receiver.acknowledge(messageID: id, error: nil, reply: Array(#"{"kwh": 12.5}"#.utf8))
                    continue
                }
                // Refused, and the message still waits: a second ack within the limit goes through.
                do throws(RegistryError) {
                    try await receiver.acknowledge(messageID: id, error: nil, reply: oversize)
                } catch {
                    refusals.append(error.code)
                }
                try? await receiver.acknowledge(messageID: id, error: nil, reply: Array("small".utf8))
            }
            return refusals
        }()
        let results = await pair.sender.request(pair.messages(to: ["meter-1", "meter-2"]), timeout: .seconds(10))
        #expect(
            results == [
                DeliveryResult(identity: "meter-1", status: .delivered, reply: Array(#"{"kwh": 12.5}"#.utf8)),
                DeliveryResult(identity: "meter-2", status: .delivered, reply: Array("small".utf8)),
            ])
        subscription.cancel()
        #expect(await refused == [.invalidArgument])
    }

    static func blankAckError(_ pair: MessagingSlotPair) async throws {
        _ = try await whileAcking(pair, ["relay"], where: { _ in true }, error: "   ") {
            let results = await pair.sender.request(pair.messages(to: ["relay"]), timeout: .seconds(10))
            #expect(results.count == 1)
            #expect(results.first?.status == .failed)
            #expect(results.first?.error?.contains(where: { !$0.isWhitespace }) == true, "\(results)")
        }
    }

    static func unsubscribe(_ pair: MessagingSlotPair) async throws {
        let subscription = try await pair.receiver.subscribe(to: ["lamp"])
        subscription.cancel()
        // A backend may learn of the unsubscription a little later (NATS: with the receiver's next flush).
        var results: [DeliveryResult] = []
        for _ in 0..<50 {
            results = await pair.sender.request(pair.messages(to: ["lamp"]), timeout: .milliseconds(500))
            if results.first?.status == .failed { break }
        }
        #expect(results == [DeliveryResult(identity: "lamp", status: .failed, error: "no subscriber")])
    }
}
