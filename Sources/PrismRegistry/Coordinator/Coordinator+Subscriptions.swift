extension Coordinator {
    /// The messages addressed to these identities from now on; they need not be registered yet (a
    /// device subscribes first, then registers, so that it misses nothing sent after it appears).
    public func subscribe(to identities: [String]) async throws(RegistryError) -> MessageSubscription {
        try requireRunning()
        guard !identities.isEmpty else {
            throw RegistryError(.invalidArgument, "subscribe needs at least one identity")
        }
        for name in identities { try IdentityName.validate(name) }
        return try await messaging.subscribe(to: identities)
    }

    /// Acknowledges a message received with an ack request; a non-nil `error` reports FAILED to the sender,
    /// and `reply` (at most ``DeliveryResult/maxReplyBytes``) travels back to the sender with the outcome.
    public func acknowledge(messageID: String, error: String?, reply: [UInt8] = []) async throws(RegistryError) {
        try requireRunning()
        guard !messageID.isEmpty else { throw RegistryError(.invalidArgument, "message_id is empty") }
        try await messaging.acknowledge(messageID: messageID, error: error, reply: reply)
    }
}
