import PrismClient
import Synchronization

/// Acks that arrive while a batch is on its way wait and leave together when it returns: one AckBatch
/// call carries everything that came meanwhile. Ten thousand devices answering a multicast cost a few
/// dozen calls instead of ten thousand, and a lone ack still leaves at once.
final class AckBatcher: Sendable {
    private struct Waiting {
        var acknowledgement: Acknowledgement
        var continuation: CheckedContinuation<PrismClientError?, Never>
    }

    private struct State {
        var queue: [Waiting] = []
        var sending = false
    }

    /// prismd takes at most 10,000 per call; smaller batches return sooner and keep acks flowing.
    static let maxBatch = 1000

    private let client: PrismClient
    private let state = Mutex(State())

    init(client: PrismClient) { self.client = client }

    /// Returns once prismd has taken the ack; throws why it did not (NOT_FOUND: the sender stopped waiting).
    func acknowledge(_ acknowledgement: Acknowledgement) async throws(PrismClientError) {
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<PrismClientError?, Never>) in
            let startSending = state.withLock { state -> Bool in
                state.queue.append(Waiting(acknowledgement: acknowledgement, continuation: continuation))
                guard !state.sending else { return false }
                state.sending = true
                return true
            }
            if startSending { Task { await self.sendUntilEmpty() } }
        }
        if let outcome { throw outcome }
    }

    private func sendUntilEmpty() async {
        while true {
            let batch = state.withLock { state -> [Waiting] in
                let batch = Array(state.queue.prefix(Self.maxBatch))
                state.queue.removeFirst(batch.count)
                if batch.isEmpty { state.sending = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            do {
                let outcomes = try await client.ack(batch.map(\.acknowledgement))
                for (waiting, outcome) in zip(batch, outcomes) { waiting.continuation.resume(returning: outcome) }
            } catch {
                for waiting in batch { waiting.continuation.resume(returning: error) }
            }
        }
    }
}
