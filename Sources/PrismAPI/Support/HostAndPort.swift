import Foundation

/// `host:port`; the host is a name, an IPv4 address or a bracketed IPv6 address. prismd binds only
/// addresses (and `localhost`); clients resolve names.
public struct HostAndPort: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port` or `[ipv6]:port`; port 0 asks the system for a free port. A URL
    /// (`http://host:port`), a host with a colon that is not an IPv6 address, or one with a slash or
    /// blank is nil.
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains(where: { $0 == "/" || $0.isWhitespace }) else { return nil }
        if host.contains(":") {
            var address = in6_addr()
            guard inet_pton(AF_INET6, host, &address) == 1 else { return nil }
        }
        self.init(host: host, port: port)
    }

    /// The host as an IPv4 address, when it is one rather than a name.
    public var ipv4Address: in_addr? {
        var v4 = in_addr()
        return inet_pton(AF_INET, host, &v4) == 1 ? v4 : nil
    }

    /// Whether only this machine can reach the address: `localhost`, 127.0.0.0/8 or `::1`.
    public var isLoopback: Bool {
        if host == "localhost" { return true }
        if let v4 = ipv4Address { return UInt32(bigEndian: v4.s_addr) >> 24 == 127 }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, host, &v6) == 1 else { return false }
        return withUnsafeBytes(of: &v6) { $0.elementsEqual([UInt8](repeating: 0, count: 15) + [1]) }
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
