import GRPCCore
import PrismRegistry

/// Errors cross the API as gRPC status codes (DESIGN §4). Every error prismd itself returns carries
/// the trailer `prism-error: 1`, so a client can tell "the server said UNAVAILABLE" (a backend is down)
/// from "the server could not be reached" (the transport's UNAVAILABLE).
enum ErrorMapping {
    static let serverErrorKey = "prism-error"

    /// The client gets the code and the message; the registry error rides along as the cause, for
    /// the log line (see ``RegistryError`` for what may reach a client).
    static func rpcError(_ error: RegistryError) -> RPCError {
        let code: RPCError.Code =
            switch error.code {
            case .invalidArgument: .invalidArgument
            case .alreadyExists: .alreadyExists
            case .notFound: .notFound
            case .resourceExhausted: .resourceExhausted
            case .unavailable: .unavailable
            case .deadlineExceeded: .deadlineExceeded
            case .internal: .internalError
            case .dataLoss: .dataLoss
            }
        return RPCError(code: code, message: error.message, metadata: [serverErrorKey: "1"], cause: error)
    }

    static func rpcError(_ code: RPCError.Code, _ message: String) -> RPCError {
        RPCError(code: code, message: message, metadata: [serverErrorKey: "1"])
    }

    /// Runs a handler body, turning registry errors into status codes; anything else is INTERNAL with
    /// its description (never a silent drop).
    static func mapping<Result>(_ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch let error as RegistryError {
            throw rpcError(error)
        } catch let error as RPCError {
            throw error
        } catch is CancellationError {
            throw rpcError(.cancelled, "the call was cancelled")
        } catch {
            throw rpcError(.internalError, "\(error)")
        }
    }
}
