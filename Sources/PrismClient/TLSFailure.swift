import GRPCCore
import NIOSSL

/// What a failed TLS handshake means for the person at the keyboard. grpc-swift reports one only as
/// "closed the connection before completing the HTTP/2 connection preface", with BoringSSL's reason
/// (CERTIFICATE_VERIFY_FAILED, TLSV1_ALERT_UNKNOWN_CA, …) buried in the error's cause.
enum TLSFailure {
    /// The meaning of the TLS error in `error`'s cause chain, or nil when TLS was not what failed.
    static func explanation(of error: RPCError) -> String? {
        var cause = error.cause
        while let current = cause {
            if current is NIOSSLError || current is BoringSSLError { return explanation(of: "\(current)") }
            cause = (current as? RPCError)?.cause
        }
        return nil
    }

    static func explanation(of reason: String) -> String {
        let meanings = [
            (
                "CERTIFICATE_VERIFY_FAILED",
                "prismd's certificate is not trusted: not signed by the CA given (--tls-ca), expired, or not for this host"
            ),
            (
                "CERTIFICATE_REQUIRED",
                "prismd asks for a client certificate (mutual TLS): give --tls-cert and --tls-key"
            ),
            ("UNKNOWN_CA", "prismd refused the client certificate: its client CA did not sign it"),
            ("BAD_CERTIFICATE", "prismd refused the client certificate"),
            ("CERTIFICATE_EXPIRED", "prismd refused the client certificate: it has expired"),
            ("WRONG_VERSION_NUMBER", notTLS), ("EOF during handshake", notTLS), ("uncleanShutdown", notTLS),
        ]
        let meaning = meanings.first { reason.contains($0.0) }?.1 ?? "the TLS handshake failed"
        let detail = reason.split(separator: ":").dropFirst(3).first.map { " (\($0.prefix { $0 != " " }))" } ?? ""
        return meaning + detail
    }

    private static let notTLS = "prismd did not answer in TLS: its gRPC port may be plaintext (leave out --tls-ca)"
}
