import PrismClient
import Synchronization

/// Calls that arrive while a batch is on its way wait and leave together when it returns: one batch
/// call (AckBatch, HeartbeatBatch) carries everything that came meanwhile. Ten thousand devices acking a
/// multicast, or heartbeating every few seconds, cost a few dozen calls instead of ten thousand.
///
/// No task of its own sends: the caller that finds nothing on its way sends the batch it heads, and
/// hands the turn to the caller at the head of the queue when its batch is back.
///
/// A steady trickle (2,000 heartbeats a second spread evenly) would otherwise leave one at a time, each
/// batch back before the next item comes; `linger` holds the first item of a batch that long so that
/// others can join it.
final class CallBatcher<Item: Sendable>: Sendable {
    typealias Send = @Sendable ([Item]) async throws(PrismClientError) -> [PrismClientError?]

    private enum Turn {
        /// Someone else sent the item; this is its outcome.
        case done(PrismClientError?)
        /// Send the batch this caller's item heads.
        case send(lingerFirst: Bool)
    }

    private struct Waiting {
        var item: Item
        var continuation: CheckedContinuation<Turn, Never>
    }

    private struct State {
        /// The items waiting; while a batch is on its way, its sender's item is not among them.
        var queue: [Waiting] = []
        var sending = false
    }

    /// prismd takes at most 10,000 per call; smaller batches return sooner and keep calls flowing.
    static var maxBatch: Int { 1000 }

    private let send: Send
    private let linger: Duration
    private let state = Mutex(State())

    init(linger: Duration, send: @escaping Send) {
        self.linger = linger
        self.send = send
    }

    /// Returns once prismd has taken the item; throws why it did not.
    func submit(_ item: Item) async throws(PrismClientError) {
        let turn = await withCheckedContinuation { (continuation: CheckedContinuation<Turn, Never>) in
            let first = state.withLock { state -> Bool in
                state.queue.append(Waiting(item: item, continuation: continuation))
                guard !state.sending else { return false }
                state.sending = true
                return true
            }
            if first { continuation.resume(returning: .send(lingerFirst: true)) }
        }
        switch turn {
        case .done(let outcome):
            if let outcome { throw outcome }
        case .send(let lingerFirst):
            if lingerFirst, linger > .zero { try? await Task.sleep(for: linger) }
            if let outcome = await sendBatch() { throw outcome }
        }
    }

    /// Sends the batch at the head of the queue (the caller's item first), answers the others in it,
    /// passes the turn on, and returns the caller's own outcome.
    private func sendBatch() async -> PrismClientError? {
        let batch = state.withLock { state -> [Waiting] in
            let batch = Array(state.queue.prefix(Self.maxBatch))
            state.queue.removeFirst(batch.count)
            return batch
        }
        var outcomes: [PrismClientError?]
        do {
            outcomes = try await send(batch.map(\.item))
        } catch {
            outcomes = Array(repeating: error, count: batch.count)
        }
        if outcomes.count < batch.count {
            let missing = PrismClientError.rejected(
                code: .internalError, message: "prismd answered fewer items than sent")
            outcomes += Array(repeating: missing, count: batch.count - outcomes.count)
        }
        for (waiting, outcome) in zip(batch, outcomes).dropFirst() {
            waiting.continuation.resume(returning: .done(outcome))
        }
        let next = state.withLock { state -> Waiting? in
            guard let next = state.queue.first else {
                state.sending = false
                return nil
            }
            return next
        }
        next?.continuation.resume(returning: .send(lingerFirst: false))
        return outcomes.first ?? nil
    }
}
