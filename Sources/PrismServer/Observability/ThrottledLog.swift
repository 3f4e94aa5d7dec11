import Logging
import Synchronization

/// Logs an event that a misconfigured client may repeat on every call (a plaintext client on the TLS
/// port) at most once per `interval` for each reason, saying how many were left out since.
final class ThrottledLog: Sendable {
    private struct Entry {
        var lastLogged: ContinuousClock.Instant
        var leftOut: Int
    }

    private let logger: Logger
    private let interval: Duration
    private let entries = Mutex<[String: Entry]>([:])

    init(logger: Logger, interval: Duration = .seconds(10)) {
        self.logger = logger
        self.interval = interval
    }

    func notice(_ reason: String, peer: String) {
        let now = ContinuousClock.now
        let leftOut: Int? = entries.withLock { entries in
            if let entry = entries[reason], now - entry.lastLogged < interval {
                entries[reason]?.leftOut += 1
                return nil
            }
            defer { entries[reason] = Entry(lastLogged: now, leftOut: 0) }
            return entries[reason]?.leftOut ?? 0
        }
        guard let leftOut else { return }
        var metadata: Logger.Metadata = ["peer": "\(peer)"]
        if leftOut > 0 { metadata["more_since_last_logged"] = "\(leftOut)" }
        logger.notice("connection refused: \(reason)", metadata: metadata)
    }
}
