/// A named set of defaults for the tools: which prismd, which namespace, how long to wait.
/// Any of them may be left out, and then the next source in line decides (see ``ConnectionSettings``).
public struct ClientContext: Sendable, Equatable {
    public var name: String
    /// `HOST:PORT` of prismd's gRPC port.
    public var server: String?
    public var namespace: String?
    /// How long a call may take (prism's `--timeout`).
    public var timeout: Duration?

    public init(name: String, server: String? = nil, namespace: String? = nil, timeout: Duration? = nil) {
        self.name = name
        self.server = server
        self.namespace = namespace
        self.timeout = timeout
    }

    /// The keys a context may hold. Credentials will join them when prismd has authentication; until
    /// then a `credentials` key is refused rather than ignored, so nobody believes they are sent.
    static let keys = ["server", "namespace", "timeout"]
}
