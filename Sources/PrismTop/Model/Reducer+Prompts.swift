import PrismFilter

/// The two things typed on the last line: the identity filter after `/`, and the metadata columns after `c`.
extension TopReducer {
    /// Typing after `/`: every keystroke re-parses, so the error and its column show as you type, and a
    /// filter that parses is applied at once (live). Esc restores the filter in effect before `/`.
    static func editFilter(_ state: inout TopState, _ key: TopKey) -> [TopEffect] {
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

    /// Typing after `c`: metadata paths separated by commas or spaces; Enter shows them as columns, Esc
    /// leaves the columns as they were. The sort stays on the column it was on when that column remains.
    static func editColumns(_ state: inout TopState, _ key: TopKey) -> [TopEffect] {
        guard var text = state.columnsDraft else { return [] }
        switch key {
        case .escape:
            state.columnsDraft = nil
        case .enter:
            state.columnsDraft = nil
            setMetadataColumns(&state, parseColumns(text))
        case .backspace:
            if !text.isEmpty { text.removeLast() }
            state.columnsDraft = text
        case .character(let character) where !character.isNewline:
            text.append(character)
            state.columnsDraft = text
        default:
            break
        }
        return []
    }

    /// `floor, type building` → `["floor", "type", "building"]`, without repeats.
    public static func parseColumns(_ text: String) -> [String] {
        var seen = Set<String>()
        return text.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init).filter {
            seen.insert($0).inserted
        }
    }

    static func setMetadataColumns(_ state: inout TopState, _ columns: [String]) {
        let titles = TableColumns.titles(for: .identities, state)
        let sorted = titles[TableSorting.sortIndex(count: titles.count, .identities, state)]
        state.metadataColumns = columns
        state.sortColumn[.identities] = TableColumns.titles(for: .identities, state).firstIndex(of: sorted) ?? 0
    }
}
