/// A command as it reaches one of the simulator's devices, whichever way it came.
public struct ReceivedCommand: Sendable {
    public var identity: String
    public var messageID: String
    public var payload: [UInt8]
    /// Whether the sender waits for an ack.
    public var ackRequested: Bool

    public init(identity: String, messageID: String, payload: [UInt8], ackRequested: Bool) {
        self.identity = identity
        self.messageID = messageID
        self.payload = payload
        self.ackRequested = ackRequested
    }
}

/// How commands reach devices and acks go back: through prismd's Subscribe streams, or on NATS directly
/// as devices in the field would.
public protocol CommandLink: Sendable {
    /// Starts receiving the commands for `identities`, handing each to `deliver`; returns once nothing
    /// sent from now on can be missed.
    func subscribe(_ identities: [String], deliver: @escaping @Sendable (ReceivedCommand) -> Void) async throws

    /// Acks a command that asked for it; a non-nil `error` makes it FAILED for the sender.
    func acknowledge(_ command: ReceivedCommand, error: String?, reply: [UInt8]) async throws

    func close() async
}
