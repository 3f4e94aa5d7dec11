/// TLS on the gRPC port (the `tls:` section of the config). `/metrics`, `/healthz` and `/readyz` stay
/// plain HTTP on their own port.
///
/// ```yaml
/// tls:
///   cert: /etc/prism/server.pem      # PEM: the server's certificate, then any intermediates
///   key: /etc/prism/server-key.pem   # PEM: its private key
///   client_ca: /etc/prism/ca.pem     # optional: mutual TLS, every client shows a certificate signed by it
/// ```
///
/// prismd reads the files at start and again on SIGHUP; connections open at a reload keep their session.
public struct TLSSettings: Sendable, Equatable {
    public var certificateFile: String
    public var keyFile: String
    /// Set: mutual TLS. A client without a certificate signed by one of these CAs cannot connect.
    public var clientCAFile: String?

    public init(certificateFile: String, keyFile: String, clientCAFile: String? = nil) {
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.clientCAFile = clientCAFile
    }
}
