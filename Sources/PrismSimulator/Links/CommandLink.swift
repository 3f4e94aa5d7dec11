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
    /// Receives the commands for `identities`, handing each to `deliver`, until the task is cancelled.
    /// Calls `subscribed` once nothing sent from then on can be missed, and throws when that first
    /// subscription cannot be set up; a subscription that breaks later is set up again.
    func receive(
        _ identities: [String], deliver: @escaping @Sendable (ReceivedCommand) -> Void,
        subscribed: @escaping @Sendable () -> Void
    ) async throws

    /// Acks a command that asked for it; a non-nil `error` makes it FAILED for the sender.
    func acknowledge(_ command: ReceivedCommand, error: String?, reply: [UInt8]) async throws

    /// Releases what the link holds, once nothing receives any more.
    func close() async
}

extension CommandLink {
    public func close() async {}
}

/// How the gRPC links keep receiving: a stream that ends or breaks is opened again after a delay.
enum Resubscription {
    /// Runs `attempt(true)`, whose failure is the caller's, then `attempt(false)` after each end,
    /// `delay` apart, until the task is cancelled.
    static func run(
        after delay: Duration, onInterruption: @Sendable () -> Void, _ attempt: (_ isFirst: Bool) async throws -> Void
    ) async throws {
        try await attempt(true)
        while !Task.isCancelled {
            onInterruption()
            guard (try? await Task.sleep(for: delay)) != nil else { return }
            try? await attempt(false)
        }
    }
}
