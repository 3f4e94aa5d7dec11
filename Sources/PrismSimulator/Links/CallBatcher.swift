import PrismClient
import Synchronization

/// Calls that arrive while a batch is on its way wait and leave together when it returns: one batch
/// call (AckBatch, HeartbeatBatch) carries everything that came meanwhile. Ten thousand devices acking a
/// multicast, or heartbeating every few seconds, cost a few dozen calls instead of ten thousand.
///
/// A steady trickle (2,000 heartbeats a second spread evenly) would otherwise leave one at a time, each
/// batch back before the next item comes; `linger` holds the first item of a batch that long so that
/// others can join it.
final class CallBatcher<Item: Sendable>: Sendable {
    typealias Send = @Sendable ([Item]) async throws(PrismClientError) -> [PrismClientError?]

    private struct Waiting {
        var item: Item
        var continuation: CheckedContinuation<PrismClientError?, Never>
    }

    private struct State {
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
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<PrismClientError?, Never>) in
            let startSending = state.withLock { state -> Bool in
                state.queue.append(Waiting(item: item, continuation: continuation))
                guard !state.sending else { return false }
                state.sending = true
                return true
            }
            if startSending { Task { await self.sendUntilEmpty() } }
        }
        if let outcome { throw outcome }
    }

    private func sendUntilEmpty() async {
        if linger > .zero { try? await Task.sleep(for: linger) }
        while true {
            let batch = state.withLock { state -> [Waiting] in
                let batch = Array(state.queue.prefix(Self.maxBatch))
                state.queue.removeFirst(batch.count)
                if batch.isEmpty { state.sending = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            do {
                let outcomes = try await send(batch.map(\.item))
                for (waiting, outcome) in zip(batch, outcomes) { waiting.continuation.resume(returning: outcome) }
            } catch {
                for waiting in batch { waiting.continuation.resume(returning: error) }
            }
        }
    }
}
