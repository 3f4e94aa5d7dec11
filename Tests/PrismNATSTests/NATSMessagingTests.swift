import PrismNATS
import PrismRegistry
import TestServers
import Testing

/// Two slots on the shared nats-server stand for two prismd: one sends, the other has the subscribers.
@Suite("NATS messaging slot against a real nats-server")
struct NATSMessagingTests {
    @Test("acked fan-out to 1,000 subscribers: every one DELIVERED")
    func ackedFanOut() async throws {
        guard let server = SharedServers.nats() else { return }
        let pair = try NATSPair(server: server)
        let identities = (0..<1000).map { "device-\($0)" }
        let receiver = try await pair.acking(identities, where: { _ in true })
        let results = await pair.sender.request(pair.messages(to: identities), timeout: .seconds(10))
        #expect(results.count == 1000)
        #expect(results.allSatisfy { $0.status == .delivered })
        #expect(results.map(\.identity) == identities)
        receiver.cancel()
        await pair.close()
    }

    @Test("10% of the subscribers never ack: exactly those TIMEOUT, the rest DELIVERED")
    func silentSubscribers() async throws {
        guard let server = SharedServers.nats() else { return }
        let pair = try NATSPair(server: server)
        let identities = (0..<1000).map { "unit-\($0)" }
        let silent = Set(identities.enumerated().filter { $0.offset % 10 == 3 }.map(\.element))
        let receiver = try await pair.acking(identities, where: { !silent.contains($0) })
        // Long enough for 900 acks on a loaded machine; the silent 100 hold the call for all of it.
        let results = await pair.sender.request(pair.messages(to: identities), timeout: .seconds(5))
        let timedOut = Set(results.filter { $0.status == .timeout }.map(\.identity))
        #expect(timedOut.symmetricDifference(silent).isEmpty, "\(timedOut.count) timed out, \(silent.count) silent")
        #expect(results.filter { $0.status == .delivered }.count == 900)
        receiver.cancel()
        await pair.close()
    }

    @Test("nobody subscribed: FAILED \"no subscriber\" from NATS' no-responders, not TIMEOUT at the deadline")
    func noSubscribers() async throws {
        guard let server = SharedServers.nats() else { return }
        let pair = try NATSPair(server: server)
        let identities = (0..<200).map { "absent-\($0)" }
        // A deadline the test would notice: the answer must come from no-responders, long before it.
        let results = await pair.sender.request(pair.messages(to: identities), timeout: .seconds(60))
        #expect(results.allSatisfy { $0.status == .failed && $0.error == "no subscriber" })
        await pair.close()
    }

    @Test("a subscriber sees the payload and the headers: message id, multicast id, namespace, content type")
    func headersArrive() async throws {
        guard let server = SharedServers.nats() else { return }
        let pair = try NATSPair(server: server)
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
        await pair.close()
    }

    @Test("an ack with an error is FAILED with its text; a second ack of the same message is NOT_FOUND")
    func ackWithError() async throws {
        guard let server = SharedServers.nats() else { return }
        let pair = try NATSPair(server: server)
        let subscription = try await pair.receiver.subscribe(to: ["valve-7"])
        let receiver = Task {
            for await inbound in subscription {
                try await pair.receiver.acknowledge(messageID: inbound.message.messageID, error: "valve stuck")
                do throws(RegistryError) {
                    try await pair.receiver.acknowledge(messageID: inbound.message.messageID, error: nil)
                    Issue.record("a second ack was accepted")
                } catch {
                    #expect(error.code == .notFound)
                }
            }
        }
        let results = await pair.sender.request(pair.messages(to: ["valve-7"]), timeout: .seconds(10))
        #expect(results == [DeliveryResult(identity: "valve-7", status: .failed, error: "valve stuck")])
        subscription.cancel()
        try await receiver.value
        await pair.close()
    }

    @Test("an ack's reply reaches the sender; a reply above 4 KiB makes the message FAILED instead")
    func ackReplies() async throws {
        guard let server = SharedServers.nats() else { return }
        let pair = try NATSPair(server: server)
        let subscription = try await pair.receiver.subscribe(to: ["meter-1", "meter-2"])
        let receiver = Task {
            for await inbound in subscription {
                let reply =
                    inbound.message.identity == "meter-1"
                    ? Array(#"{"kwh": 12.5}"#.utf8) : Array(repeating: UInt8(ascii: "x"), count: 5000)
                try await pair.receiver.acknowledge(messageID: inbound.message.messageID, error: nil, reply: reply)
            }
        }
        let results = await pair.sender.request(pair.messages(to: ["meter-1", "meter-2"]), timeout: .seconds(10))
        #expect(
            results == [
                DeliveryResult(identity: "meter-1", status: .delivered, reply: Array(#"{"kwh": 12.5}"#.utf8)),
                DeliveryResult(identity: "meter-2", status: .failed, error: "ack reply of 5000 bytes is above 4096"),
            ])
        subscription.cancel()
        try await receiver.value
        await pair.close()
    }

    @Test("an identity without a NATS subject (`x.`, `a..b`) is refused on subscribe and FAILED on send")
    func unaddressable() async throws {
        guard let server = SharedServers.nats() else { return }
        let pair = try NATSPair(server: server)
        do throws(RegistryError) {
            _ = try await pair.receiver.subscribe(to: ["fine", "trailing."])
            Issue.record("subscribed an identity that has no NATS subject")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.message.contains("'trailing.'"))
        }
        let results = await pair.sender.request(pair.messages(to: ["a..b"]), timeout: .seconds(30))
        #expect(results.first?.status == .failed)
        #expect(results.first?.error?.contains("refused") == true)
        await pair.close()
    }

    @Test("a blank ack error still counts as FAILED (libnats would drop a blank header value)")
    func blankAckError() async throws {
        guard let server = SharedServers.nats() else { return }
        let pair = try NATSPair(server: server)
        let subscription = try await pair.receiver.subscribe(to: ["relay"])
        let receiver = Task {
            for await inbound in subscription {
                try await pair.receiver.acknowledge(messageID: inbound.message.messageID, error: "   ")
            }
        }
        let results = await pair.sender.request(pair.messages(to: ["relay"]), timeout: .seconds(10))
        #expect(results == [DeliveryResult(identity: "relay", status: .failed, error: "error")])
        subscription.cancel()
        try await receiver.value
        await pair.close()
    }

    @Test("unsubscribing drops the NATS subscription: the next request is FAILED at once")
    func unsubscribe() async throws {
        guard let server = SharedServers.nats() else { return }
        let pair = try NATSPair(server: server)
        let subscription = try await pair.receiver.subscribe(to: ["lamp"])
        subscription.cancel()
        // The UNSUB reaches the server with the receiver's next flush; a request then sees no responders.
        var results: [DeliveryResult] = []
        for _ in 0..<50 {
            results = await pair.sender.request(pair.messages(to: ["lamp"]), timeout: .milliseconds(500))
            if results.first?.status == .failed { break }
        }
        #expect(results == [DeliveryResult(identity: "lamp", status: .failed, error: "no subscriber")])
        await pair.close()
    }
}

/// A sending and a receiving slot on one nats-server, in a namespace of their own.
struct NATSPair {
    let namespace = "t\(UInt32.random(in: 0...UInt32.max))"
    let sender: NATSMessaging
    let receiver: NATSMessaging

    init(server: String) throws {
        sender = try NATSMessaging(.init(servers: [server], namespace: namespace))
        receiver = try NATSMessaging(.init(servers: [server], namespace: namespace))
    }

    func messages(to identities: [String]) -> [OutboundMessage] {
        identities.enumerated().map { index, identity in
            OutboundMessage(
                identity: identity, messageID: "\(namespace)-\(index)", multicastID: "\(namespace)-mc",
                namespace: namespace, payload: Array("hello \(identity)".utf8), contentType: "text/plain")
        }
    }

    /// Subscribes the receiver to `identities` and acks the messages of those `shouldAck` accepts.
    /// The subscription exists (on the NATS server too) when this returns.
    func acking(_ identities: [String], where shouldAck: @escaping @Sendable (String) -> Bool) async throws
        -> MessageSubscription
    {
        let subscription = try await receiver.subscribe(to: identities)
        let receiver = self.receiver
        Task {
            for await inbound in subscription where inbound.ackRequested && shouldAck(inbound.message.identity) {
                try? await receiver.acknowledge(messageID: inbound.message.messageID, error: nil)
            }
        }
        return subscription
    }

    func close() async {
        await sender.close()
        await receiver.close()
    }
}
