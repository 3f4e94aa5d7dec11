import PrismNATS
import PrismRegistry
import PrismRegistryConformance
import TestServers
import Testing

/// Two slots on the shared nats-server stand for two prismd: one sends, the other has the subscribers.
@Suite("NATS messaging slot against a real nats-server")
struct NATSMessagingTests {
    @Test(
        "the messaging slot conformance suite, sender and subscribers on two slots",
        arguments: MessagingSlotConformance.checkNames)
    func conformance(_ check: String) async throws {
        guard let server = SharedServers.nats() else { return }
        let pair = try NATSPair(server: server)
        try await MessagingSlotConformance.run(check, on: pair.slots)
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
        let results = await pair.sender.request(pair.slots.messages(to: ["a..b"]), timeout: .seconds(30))
        #expect(results.first?.status == .failed)
        #expect(results.first?.error?.contains("refused") == true)
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

    /// The pair as the conformance suite takes it; its `messages(to:)` builds the test messages.
    var slots: MessagingSlotPair { MessagingSlotPair(sender: sender, receiver: receiver, namespace: namespace) }

    func close() async {
        await sender.close()
        await receiver.close()
    }
}
