import GRPCCore
import Logging
import PrismAPI
import PrismRegistry
import Synchronization

/// Wraps each API call: finds the namespace, maps errors to status codes, records the operation's
/// metrics and writes one log line carrying the request id.
final class CallObserver: Sendable {
    let namespaces: NamespaceDirectory
    let metrics: ServerMetrics
    let logger: Logger
    private let sequence = Atomic<UInt64>(0)

    init(namespaces: NamespaceDirectory, metrics: ServerMetrics, logger: Logger) {
        self.namespaces = namespaces
        self.metrics = metrics
        self.logger = logger
    }

    func observe<Result: Sendable>(
        _ op: String, namespace: String, context: ServerContext,
        _ body: (NamespaceRuntime, CallLog) async throws -> Result
    ) async throws -> Result {
        let started = ContinuousClock.now
        let log = CallLog(
            base: logger, requestNumber: sequence.add(1, ordering: .relaxed).newValue, op: op,
            namespace: namespace.isEmpty ? "default" : namespace)
        let runtime = Swift.Result { () throws(RegistryError) in try namespaces.runtime(namespace) }
        // Metric labels only for namespaces that exist: names clients invent must not grow the series.
        let namespaceName = (try? runtime.get())?.name ?? "unknown"
        do {
            let result = try await ErrorMapping.mapping { try await body(try runtime.get(), log) }
            let elapsed = ContinuousClock.now - started
            metrics.recordOperation(namespace: namespaceName, op: op, code: "ok", duration: elapsed)
            if logger.logLevel <= .debug {
                log.logger.debug(
                    "ok", metadata: ["duration_us": "\(elapsed.microseconds)", "peer": "\(context.remotePeer)"])
            }
            return result
        } catch let error as RPCError {
            let elapsed = ContinuousClock.now - started
            let code = error.code.statusName
            metrics.recordOperation(namespace: namespaceName, op: op, code: code, duration: elapsed)
            let level: Logger.Level = [.internalError, .dataLoss].contains(error.code) ? .error : .info
            var metadata: Logger.Metadata = [
                "code": "\(code)", "error": "\(error.message)", "duration_us": "\(elapsed.microseconds)",
            ]
            // The backend's own error (paths, addresses, result codes) is for the operator, not the client.
            if let cause = (error.cause as? RegistryError)?.cause { metadata["cause"] = "\(cause)" }
            log.logger.log(level: level, "failed", metadata: metadata)
            throw error
        }
    }
}

/// One call's logging context. The logger with the call's metadata is made only when something is
/// logged: at the default level a successful call logs nothing, and building the metadata (a request
/// id formatted, three dictionary insertions) on every call was a measurable share of a small call.
struct CallLog {
    let base: Logger
    let requestNumber: UInt64
    let op: String
    let namespace: String

    /// Short and unique within this process's life, enough to pick one call's lines out of the log.
    var requestID: String { "r" + String(requestNumber, radix: 16) }

    var logger: Logger {
        var logger = base
        logger[metadataKey: "request_id"] = "\(requestID)"
        logger[metadataKey: "op"] = "\(op)"
        logger[metadataKey: "namespace"] = "\(namespace)"
        return logger
    }
}

extension Duration {
    var microseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}
