import CNATS
import PrismRegistry

/// What libnats said, kept whole as a ``RegistryError``'s cause for the log: the `natsStatus`, its
/// text and what Prism was doing. Clients get the registry error's message, which names no server.
public struct NATSFailure: Error, Sendable, CustomStringConvertible {
    /// libnats' `natsStatus` value.
    public let status: Int32
    public let action: String
    /// The servers, for connect failures.
    public let servers: String?

    init(_ status: natsStatus, _ action: String, servers: String? = nil) {
        self.status = Int32(bitPattern: status.rawValue)
        self.action = action
        self.servers = servers
    }

    public var description: String {
        let text = String(cString: natsStatus_GetText(natsStatus(rawValue: UInt32(bitPattern: status))))
        return "nats\(servers.map { " [\($0)]" } ?? ""): cannot \(action): \(text) (natsStatus \(status))"
    }

    /// The registry error for a failed libnats call: NATS is a backend that may come back, so UNAVAILABLE.
    static func unavailable(_ status: natsStatus, _ action: String, servers: String? = nil) -> RegistryError {
        RegistryError(
            .unavailable, "the NATS messaging backend cannot \(action); retry later",
            cause: NATSFailure(status, action, servers: servers))
    }
}
