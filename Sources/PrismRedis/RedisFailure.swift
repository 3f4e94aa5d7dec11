import PrismRegistry

/// What hiredis or Redis said, kept whole as a ``RegistryError``'s cause for the log: the server's
/// address, what Prism was doing, and the error or reply. Clients get the registry error's message,
/// which names neither.
public struct RedisFailure: Error, Sendable, CustomStringConvertible {
    public let address: String
    /// hiredis's error text, or Redis's error reply, or the unexpected reply printed.
    public let detail: String

    public var description: String { "redis at \(address): \(detail)" }

    /// Redis cannot be reached or stopped answering: retry later.
    static func unreachable(_ address: String, _ detail: String) -> RegistryError {
        RegistryError(
            .unavailable, "the Redis registry is unreachable; retry later",
            cause: RedisFailure(address: address, detail: detail))
    }

    /// Redis refused a command (a replica that is read-only, memory full, a script error).
    static func refused(_ address: String, _ detail: String) -> RegistryError {
        RegistryError(
            .unavailable, "the Redis registry refused the operation; retry later",
            cause: RedisFailure(address: address, detail: detail))
    }

    /// Redis answered something Prism's scripts never return.
    static func unexpectedReply(_ address: String, to operation: String, _ reply: String) -> RegistryError {
        RegistryError(
            .internal, "the Redis registry gave an unexpected reply to \(operation)",
            cause: RedisFailure(address: address, detail: reply))
    }
}
