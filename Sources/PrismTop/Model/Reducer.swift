/// The one place UI state changes: pure, so every key and every data event is unit-tested without a
/// terminal.
public enum TopReducer {
    public static func reduce(_ state: inout TopState, _ event: TopEvent) -> [TopEffect] {
        switch event {
        case .snapshot(let snapshot):
            // Fetched just before Enter followed another namespace: its rows would show under the new name.
            if !snapshot.namespace.isEmpty, snapshot.namespace != state.namespace { return [] }
            state.staleSince = nil
            state.lastError = nil
            state.staleReason = nil
            // Paused keeps the rows still for reading; the clock keeps ticking.
            if !state.paused || state.snapshot == nil { state.snapshot = snapshot }
            clampSelections(&state)
            return []
        case .fetchFailed(let failure, let at):
            state.lastError = failure.message
            state.staleReason = failure.reason
            if state.staleSince == nil { state.staleSince = at }
            return []
        case .tick(let now):
            state.now = now
            return []
        case .key(let key):
            if state.draft != nil { return editFilter(&state, key) }
            if state.columnsDraft != nil { return editColumns(&state, key) }
            if state.showingHelp {
                state.showingHelp = false
                return key == .character("q") ? [.quit] : []
            }
            return command(&state, key)
        }
    }

    private static func command(_ state: inout TopState, _ key: TopKey) -> [TopEffect] {
        switch key {
        case .character("q"), .character("Q"): return [.quit]
        case .character("?"), .character("h"): state.showingHelp = true
        case .character("1"): switchView(&state, .patterns)
        case .character("2"): switchView(&state, .identities)
        case .character("3"): switchView(&state, .multicast)
        case .character("\t"):
            let views = TopView.allCases
            switchView(&state, views[(views.firstIndex(of: state.view)! + 1) % views.count])
        case .character("/"):
            switchView(&state, .identities)
            state.draft = FilterDraft(text: state.filter)
        case .character("c"):
            switchView(&state, .identities)
            state.columnsDraft = state.metadataColumns.joined(separator: ",")
        case .character("<"): moveSort(&state, by: -1)
        case .character(">"): moveSort(&state, by: 1)
        case .character("r"): state.reversed[state.view, default: false].toggle()
        case .character("p"), .character(" "): state.paused.toggle()
        case .character("j"), .down: moveSelection(&state, by: 1)
        case .character("k"), .up: moveSelection(&state, by: -1)
        case .pageDown: moveSelection(&state, by: 10)
        case .pageUp: moveSelection(&state, by: -10)
        case .home, .character("g"): state.selection[state.view] = 0
        case .end, .character("G"): moveSelection(&state, by: Int.max / 2)
        case .enter: return open(&state)
        case .escape:
            state.showingDetails = false
            state.inspectedIdentity = nil
        case .redraw: return [.redraw, .refreshNow]
        default: break
        }
        return []
    }

    /// Enter: a multicast's failed targets, an identity's detail pane (Enter again closes either), or
    /// following the selected namespace, as k9s's `:ns` does.
    private static func open(_ state: inout TopState) -> [TopEffect] {
        switch state.view {
        case .multicast:
            state.showingDetails.toggle()
        case .identities:
            state.inspectedIdentity =
                state.inspectedIdentity == nil ? TableSorting.selectedIdentity(state)?.identity : nil
        case .patterns:
            guard let namespace = TableSorting.selectedPattern(state)?.namespace else { return [] }
            return follow(&state, namespace)
        }
        return []
    }

    private static func follow(_ state: inout TopState, _ namespace: String) -> [TopEffect] {
        switchView(&state, .identities)
        guard namespace != state.namespace else { return [] }
        state.namespace = namespace
        // The rows of the namespace left behind must not show under the new name until the next refresh.
        state.snapshot?.identities = []
        state.snapshot?.identityTotal = 0
        state.snapshot?.multicasts = []
        state.snapshot?.identityEvents = [:]
        state.selection[.identities] = 0
        state.selection[.multicast] = 0
        return [.follow(namespace: namespace), .refreshNow]
    }

    private static func switchView(_ state: inout TopState, _ view: TopView) {
        state.view = view
        state.showingDetails = false
        state.inspectedIdentity = nil
    }

    private static func moveSort(_ state: inout TopState, by step: Int) {
        let count = TableColumns.titles(for: state.view, state).count
        let current = state.sortColumn[state.view] ?? 0
        state.sortColumn[state.view] = min(max(0, current + step), count - 1)
    }

    private static func moveSelection(_ state: inout TopState, by step: Int) {
        let rows = rowCount(state, state.view)
        guard rows > 0 else {
            state.selection[state.view] = 0
            return
        }
        let current = state.selection[state.view] ?? 0
        state.selection[state.view] = min(max(0, current + step), rows - 1)
    }

    private static func clampSelections(_ state: inout TopState) {
        for view in TopView.allCases {
            let rows = rowCount(state, view)
            state.selection[view] = min(state.selection[view] ?? 0, max(0, rows - 1))
        }
    }

    static func rowCount(_ state: TopState, _ view: TopView) -> Int {
        guard let snapshot = state.snapshot else { return 0 }
        return switch view {
        case .patterns: snapshot.patterns.count
        case .identities: snapshot.identities.count
        case .multicast: snapshot.multicasts.count
        }
    }
}
