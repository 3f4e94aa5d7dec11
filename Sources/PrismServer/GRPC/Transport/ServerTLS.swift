import Foundation
import NIOSSL
import PrismAPI
import Synchronization

/// The TLS context new gRPC connections get: built from ``TLSSettings`` at start and again by
/// ``reload()`` (SIGHUP), so that a renewed certificate needs no restart. Connections already open
/// keep the session they negotiated.
public final class ServerTLS: Sendable {
    public let settings: TLSSettings
    private let context: Mutex<NIOSSLContext>

    /// Reads and checks the files; throws ``StartupError`` naming the file and what is wrong with it.
    public init(_ settings: TLSSettings) throws(StartupError) {
        self.settings = settings
        context = Mutex(try Self.makeContext(settings))
    }

    var current: NIOSSLContext { context.withLock { $0 } }

    /// Reads the files again. On an error the context in use stays, and the error says why.
    public func reload() throws(StartupError) {
        let fresh = try Self.makeContext(settings)
        context.withLock { $0 = fresh }
    }

    private static func makeContext(_ settings: TLSSettings) throws(StartupError) -> NIOSSLContext {
        let chain = try load("certificate", settings.certificateFile) { try NIOSSLCertificate.fromPEMFile($0) }
        guard !chain.isEmpty else {
            throw StartupError("TLS certificate \(settings.certificateFile) holds no PEM certificate")
        }
        let key = try load("private key", settings.keyFile) { try NIOSSLPrivateKey(file: $0, format: .pem) }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        // gRPC clients (grpcio, grpc-go) refuse a TLS server that does not select h2 by ALPN.
        configuration.applicationProtocols = ["h2"]
        if let clientCA = settings.clientCAFile {
            let roots = try load("client CA", clientCA) { try NIOSSLCertificate.fromPEMFile($0) }
            guard !roots.isEmpty else { throw StartupError("TLS client CA \(clientCA) holds no PEM certificate") }
            configuration.trustRoots = .certificates(roots)
            // Clients have no host name to check; what matters is who signed their certificate.
            configuration.certificateVerification = .noHostnameVerification
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw StartupError(
                "TLS certificate \(settings.certificateFile) and key \(settings.keyFile) do not go together: \(error)")
        }
    }

    /// BoringSSL's errors say neither which file nor whether it was there at all.
    private static func load<Loaded>(_ what: String, _ path: String, _ body: (String) throws -> Loaded)
        throws(StartupError) -> Loaded
    {
        if let reason = unreadableReason(path) { throw StartupError("cannot read TLS \(what) \(path): \(reason)") }
        do {
            return try body(path)
        } catch {
            throw StartupError("TLS \(what) \(path) is not valid PEM: \(error)")
        }
    }
}
