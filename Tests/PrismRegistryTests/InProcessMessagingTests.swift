import PrismRegistry
import PrismRegistryConformance
import Testing

@Suite("in-process messaging slot")
struct InProcessMessagingTests {
    @Test(
        "the messaging slot conformance suite, one slot sending and subscribing",
        arguments: MessagingSlotConformance.checkNames)
    func conformance(_ check: String) async throws {
        let slot = InProcessMessaging()
        try await MessagingSlotConformance.run(
            check, on: MessagingSlotPair(sender: slot, receiver: slot, namespace: "t"))
    }
}
