import GRPCCore
import PrismAPI
import PrismDurations

/// Why a call failed, sorted the way a caller acts on it: the server could not be reached (retry,
/// check the address), the server refused (fix the request), or the request was invalid before it left.
public enum PrismClientError: Error, Sendable, CustomStringConvertible {
    /// No connection to `server`.
    case unreachable(server: String, detail: String)
    /// The server answered with this status.
    case rejected(code: RPCError.Code, message: String)
    /// Something was wrong before anything was sent (a bad address, say).
    case invalidRequest(String)

    public var description: String {
        switch self {
        case .unreachable(let server, let detail): "cannot reach prismd at \(server): \(detail)"
        case .rejected(let code, let message): "\(code.statusName): \(message)"
        case .invalidRequest(let message): message
        }
    }

    /// prismd marks every error it returns itself (trailer `prism-error`); an UNAVAILABLE without the
    /// mark comes from the transport, i.e. the server was not reached, and a DEADLINE_EXCEEDED without
    /// it is the client's own deadline passing with no answer (a server that accepts connections but
    /// never answers, a network that drops everything).
    static func from(_ error: any Error, server: String, deadline: Duration? = nil) -> PrismClientError {
        if let error = error as? PrismClientError { return error }
        guard let rpcError = error as? RPCError else {
            return .unreachable(server: server, detail: "\(error)")
        }
        let fromServer = rpcError.metadata[stringValues: "prism-error"].first(where: { _ in true }) != nil
        if !fromServer, rpcError.code == .unavailable {
            return .unreachable(server: server, detail: TLSFailure.explanation(of: rpcError) ?? rpcError.message)
        }
        if !fromServer, rpcError.code == .deadlineExceeded, let deadline {
            return .unreachable(server: server, detail: "no answer within \(deadline.written)")
        }
        return .rejected(code: rpcError.code, message: rpcError.message)
    }
}
