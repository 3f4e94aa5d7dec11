/// Why a registry operation was refused; the code maps one to one onto gRPC status codes.
///
/// ```
/// throw RegistryError.alreadyRegistered("sensor-1")
/// ```
///
/// What reaches a client is ``code`` and ``message``; ``cause`` (a backend's own error, with its file
/// paths, addresses and result codes) goes to prismd's log only. So a message names the namespace, the
/// identity and the slot's kind (SQLite, Redis, NATS) and says what to do, but never a path, a host or
/// a backend's raw reply.
public struct RegistryError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable, CustomStringConvertible {
        /// The request is malformed: a bad name, filter, TTL or metadata, or an empty multicast filter
        /// without `all`. Retrying will not help.
        case invalidArgument
        /// Registering an identity that exists, without `replace`.
        case alreadyExists
        /// The identity is not registered (or has expired).
        case notFound
        /// A limit was hit: max identities, max targets, a watcher's buffer.
        case resourceExhausted
        /// A backend is down or the namespace is not running; retry later.
        case unavailable
        /// The operation did not finish in time.
        case deadlineExceeded
        /// prismd or a backend broke its own rules (an unexpected reply, a write that never ran).
        /// Retrying is unlikely to help; the log has the cause.
        case `internal`
        /// Stored data is unreadable: a corrupt database file, a record that does not decode. Retrying
        /// will not help; an operator must repair or restore it.
        case dataLoss

        public var description: String { rawValue }
    }

    public var code: Code
    /// What went wrong and, where it helps, what to do about it. Clients see it.
    public var message: String
    /// The underlying error, when there is one (a filter error, a backend's error). Only logged.
    public var cause: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// Code, message and cause: what prismd logs. Clients get ``message`` alone.
    public var description: String {
        guard let cause else { return "\(code): \(message)" }
        return "\(code): \(message) (cause: \(cause))"
    }

    /// The message with its cause: what an operator needs (start-up errors, logs), never sent to clients.
    public var detailedMessage: String {
        guard let cause else { return message }
        return "\(message) (\(cause))"
    }

    /// What every registry slot says when renewing an identity that is absent or expired.
    public static func notRegistered(_ name: String) -> RegistryError {
        RegistryError(.notFound, "identity '\(name)' is not registered (or has expired)")
    }

    /// What every registry slot says when registering, without replace, a name that is taken.
    public static func alreadyRegistered(_ name: String) -> RegistryError {
        RegistryError(.alreadyExists, "identity '\(name)' is already registered; pass replace to overwrite it")
    }

    /// What every registry slot says when a new identity would exceed `max_identities`.
    public static func capacityReached(_ capacity: Int) -> RegistryError {
        RegistryError(.resourceExhausted, "the namespace holds its maximum of \(capacity) identities")
    }
}

/// A backend's account of a failure when it is only text: a raw reply, an address, a file name. As a
/// ``RegistryError/cause`` it reaches the log, not the client.
public struct BackendDetail: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}
