/// What a cell means, not what it looks like: the terminal backend maps roles to colours and
/// attributes (or to nothing on a monochrome terminal), and tests read roles, not escape codes.
public enum StyleRole: Sendable, Equatable {
    case normal, title, header, tab, activeTab, selected, healthy, degraded, unhealthy, stale, dim, error, hint
}

/// One terminal cell. A wide character fills its cell and the next, which holds `nil`.
public struct Cell: Sendable, Equatable {
    public var character: Character?
    public var role: StyleRole

    public static let blank = Cell(character: " ", role: .normal)
}

/// A screen's worth of cells: what `render` produces, what the ncurses backend draws and what the
/// tests compare as text.
public struct CellGrid: Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell { cells[y * width + x] }

    /// Writes `text` from column `x` of row `y`, clipped at `x + maxWidth` and the right edge; a wide
    /// character that would straddle the limit is left out. Returns the columns used.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, role: StyleRole = .normal, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height, x >= 0, x < width else { return 0 }
        let limit = min(width, x + (maxWidth ?? width))
        var column = x
        for character in text {
            let columns = DisplayWidth.of(character)
            if columns == 0 { continue }
            if column + columns > limit { break }
            cells[y * width + column] = Cell(character: character, role: role)
            if columns == 2 { cells[y * width + column + 1] = Cell(character: nil, role: role) }
            column += columns
        }
        return column - x
    }

    /// Paints a role over a row segment (a selection bar) without changing its characters.
    public mutating func paint(_ role: StyleRole, y: Int, from x: Int = 0, width span: Int? = nil) {
        guard y >= 0, y < height else { return }
        let end = min(width, x + (span ?? width))
        for column in max(0, x)..<max(max(0, x), end) { cells[y * width + column].role = role }
    }

    /// Each row as text, trailing blanks trimmed: what batch mode prints and the tests compare.
    public var lines: [String] {
        (0..<height).map { y in
            var line = ""
            for x in 0..<width { if let character = self[x, y].character { line.append(character) } }
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    public var text: String { lines.joined(separator: "\n") }
}
