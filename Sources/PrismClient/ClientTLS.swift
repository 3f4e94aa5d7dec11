import Foundation
import GRPCNIOTransportHTTP2
import PrismAPI

/// How ``PrismClient`` connects to a prismd whose gRPC port speaks TLS: the CA it trusts and, for mutual
/// TLS, its own certificate and key (all PEM files).
public struct ClientTLS: Sendable, Equatable {
    /// nil: the system's trusted roots.
    public var caFile: String?
    public var certificateFile: String?
    public var keyFile: String?

    public init(caFile: String? = nil, certificateFile: String? = nil, keyFile: String? = nil) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
    }

    /// The transport's settings, once every file named is there to read: BoringSSL's own errors would
    /// come only at the first call, without the file's name.
    func transportSecurity() throws(PrismClientError) -> HTTP2ClientTransport.Posix.TransportSecurity {
        guard (certificateFile == nil) == (keyFile == nil) else {
            throw .invalidRequest("mutual TLS needs both a client certificate and its key (--tls-cert and --tls-key)")
        }
        for (what, path) in [("CA", caFile), ("client certificate", certificateFile), ("client key", keyFile)] {
            guard let path else { continue }
            if let reason = unreadableReason(path) {
                throw .invalidRequest("cannot read the TLS \(what) \(path): \(reason)")
            }
        }
        let (caFile, certificateFile, keyFile) = (caFile, certificateFile, keyFile)
        return .tls { config in
            if let caFile { config.trustRoots = .certificates([.file(path: caFile, format: .pem)]) }
            if let certificateFile, let keyFile {
                config.certificateChain = [.file(path: certificateFile, format: .pem)]
                config.privateKey = .file(path: keyFile, format: .pem)
            }
        }
    }
}
