/// Why a registry operation was refused; the code maps one to one onto gRPC status codes.
///
/// ```
/// throw RegistryError(.alreadyExists, "identity 'sensor-1' is already registered; pass replace to overwrite it")
/// ```
public struct RegistryError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String {
            case invalidArgument, alreadyExists, notFound, resourceExhausted, unavailable, deadlineExceeded
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// The request is malformed: a bad name, filter, TTL or metadata, or an empty multicast filter
        /// without `all`. Retrying will not help.
        public static let invalidArgument = Code(.invalidArgument)
        /// Registering an identity that exists, without `replace`.
        public static let alreadyExists = Code(.alreadyExists)
        /// The identity is not registered (or has expired).
        public static let notFound = Code(.notFound)
        /// A limit was hit: max identities, max targets, a watcher's buffer.
        public static let resourceExhausted = Code(.resourceExhausted)
        /// A backend is down or the namespace is not running; retry later.
        public static let unavailable = Code(.unavailable)
        /// The operation did not finish in time.
        public static let deadlineExceeded = Code(.deadlineExceeded)

        public var description: String { kind.rawValue }
    }

    public var code: Code
    /// What went wrong and, where it helps, what to do about it.
    public var message: String
    /// The underlying error, when there is one (a filter error, a backend's error).
    public var cause: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String { "\(code): \(message)" }

    /// What every registry slot says when renewing an identity that is absent or expired.
    public static func notRegistered(_ name: String) -> RegistryError {
        RegistryError(.notFound, "identity '\(name)' is not registered (or has expired)")
    }
}
