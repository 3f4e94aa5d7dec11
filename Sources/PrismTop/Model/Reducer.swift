import PrismFilter

/// The one place UI state changes: pure, so every key and every data event is unit-tested without a
/// terminal.
public enum TopReducer {
    public static func reduce(_ state: inout TopState, _ event: TopEvent) -> [TopEffect] {
        switch event {
        case .snapshot(let snapshot):
            state.staleSince = nil
            state.lastError = nil
            // Paused keeps the rows still for reading; the clock keeps ticking.
            if !state.paused || state.snapshot == nil { state.snapshot = snapshot }
            clampSelections(&state)
            return []
        case .fetchFailed(let message, let at):
            state.lastError = message
            if state.staleSince == nil { state.staleSince = at }
            return []
        case .tick(let now):
            state.now = now
            return []
        case .key(let key):
            if state.draft != nil { return editFilter(&state, key) }
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
        case .enter:
            if state.view == .multicast { state.showingDetails.toggle() }
        case .escape: state.showingDetails = false
        case .redraw: return [.redraw, .refreshNow]
        default: break
        }
        return []
    }

    private static func switchView(_ state: inout TopState, _ view: TopView) {
        state.view = view
        state.showingDetails = false
    }

    /// Typing after `/`: every keystroke re-parses, so the error and its column show as you type, and a
    /// filter that parses is applied at once (live). Esc restores the filter in effect before `/`.
    private static func editFilter(_ state: inout TopState, _ key: TopKey) -> [TopEffect] {
        guard var draft = state.draft else { return [] }
        switch key {
        case .escape:
            state.draft = nil
            return []
        case .enter:
            guard draft.error == nil else { return [] }
            state.draft = nil
            return []
        case .backspace:
            if !draft.text.isEmpty { draft.text.removeLast() }
        case .character(let character) where !character.isNewline:
            draft.text.append(character)
        default:
            return []
        }
        do {
            _ = try Filter(draft.text)
            draft.error = nil
            draft.errorColumn = nil
            state.draft = draft
            state.filter = draft.text
            state.selection[.identities] = 0
            return [.applyFilter(draft.text)]
        } catch {
            draft.error = error.message
            draft.errorColumn = error.column
            state.draft = draft
            return []
        }
    }

    private static func moveSort(_ state: inout TopState, by step: Int) {
        let count = TableColumns.columns(for: state.view).count
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
