import Foundation
import PrismClient
import Synchronization

/// Events from the fetching task to the UI thread, and what the UI asks the fetcher to do.
final class Mailroom: Sendable {
    private struct State {
        var events: [TopEvent] = []
        var filter: String
        /// A namespace to follow from the next fetch on.
        var namespace: String?
        var wake = false
        var stopped = false
    }

    private let state: Mutex<State>

    init(filter: String) { state = Mutex(State(filter: filter)) }

    func post(_ event: TopEvent) { state.withLock { $0.events.append(event) } }

    func takeEvents() -> [TopEvent] {
        state.withLock { state in
            defer { state.events = [] }
            return state.events
        }
    }

    func requestFetch(filter: String? = nil) {
        state.withLock { state in
            if let filter { state.filter = filter }
            state.wake = true
        }
    }

    func requestFollow(namespace: String) {
        state.withLock { state in
            state.namespace = namespace
            state.wake = true
        }
    }

    /// The filter to fetch with, a namespace to follow first, and whether a fetch was asked for (clearing
    /// the ask and the namespace).
    func nextFetch() -> (filter: String, namespace: String?, woken: Bool, stopped: Bool) {
        state.withLock { state in
            defer {
                state.wake = false
                state.namespace = nil
            }
            return (state.filter, state.namespace, state.wake, state.stopped)
        }
    }

    func stop() { state.withLock { $0.stopped = true } }
}

/// The interactive dashboard: a child task fetches every interval (and at once when asked),
/// while this thread owns the terminal, draws, and turns keys into reducer events.
public enum InteractiveLoop {
    /// Runs until `q`, SIGINT or SIGTERM; the terminal is restored on every path.
    public static func run(state initial: TopState, source: SnapshotSource, screen: CursesScreen) async {
        let mailroom = Mailroom(filter: initial.filter)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await fetch(every: initial.interval, from: source, into: mailroom) }
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                // curses wants one thread; a thread of its own keeps Swift's cooperative pool free.
                Thread.detachNewThread {
                    uiLoop(state: initial, screen: screen, mailroom: mailroom)
                    done.resume()
                }
            }
            mailroom.stop()
            group.cancelAll()
        }
    }

    /// Fetches every `interval` seconds, and at once when the UI asks, until stopped or cancelled.
    private static func fetch(every interval: Double, from source: SnapshotSource, into mailroom: Mailroom) async {
        var lastFetch = Date.distantPast
        while true {
            let (filter, namespace, woken, stopped) = mailroom.nextFetch()
            if stopped || Task.isCancelled { return }
            if let namespace { source.follow(namespace: namespace) }
            if woken || Date().timeIntervalSince(lastFetch) >= interval {
                lastFetch = Date()
                do throws(PrismClientError) {
                    mailroom.post(.snapshot(try await source.fetch(filter: filter)))
                } catch {
                    mailroom.post(.fetchFailed(FetchFailure(error), at: Date().timeIntervalSince1970))
                }
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    private static func uiLoop(state initial: TopState, screen: CursesScreen, mailroom: Mailroom) {
        defer { screen.close() }
        var state = initial
        var dirty = true
        var lastSecond = 0
        while !screen.wasInterrupted {
            for event in mailroom.takeEvents() {
                if apply(event, to: &state, mailroom: mailroom, screen: screen) { return }
                dirty = true
            }
            let now = Date().timeIntervalSince1970
            if Int(now) != lastSecond {
                lastSecond = Int(now)
                _ = TopReducer.reduce(&state, .tick(now))
                dirty = true
            }
            if dirty {
                let (width, height) = screen.size
                screen.draw(TopRenderer.render(state, width: width, height: height))
                dirty = false
            }
            switch screen.nextKey() {
            case .key(let key)?:
                if apply(.key(key), to: &state, mailroom: mailroom, screen: screen) { return }
                dirty = true
            case .resize?:
                dirty = true
            case nil:
                break
            }
        }
    }

    /// Reduces one event and carries out its effects; true when prism-top should quit.
    private static func apply(_ event: TopEvent, to state: inout TopState, mailroom: Mailroom, screen: CursesScreen)
        -> Bool
    {
        for effect in TopReducer.reduce(&state, event) {
            switch effect {
            case .quit: return true
            case .applyFilter(let filter): mailroom.requestFetch(filter: filter)
            case .refreshNow: mailroom.requestFetch()
            case .redraw: screen.forceRedraw()
            case .follow(let namespace): mailroom.requestFollow(namespace: namespace)
            }
        }
        return false
    }
}
