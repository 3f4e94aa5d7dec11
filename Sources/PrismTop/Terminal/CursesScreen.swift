import CNcursesW
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Set by SIGINT/SIGTERM; the UI loop sees it within one `getch` timeout and restores the terminal.
private let interrupted = Atomic<Bool>(false)

/// The only code that talks to ncurses: it draws cell grids, reads keys, and owns the terminal from
/// `open` to `close`. All calls come from the one thread that runs the UI loop (it is made on another
/// and handed over once, hence `@unchecked Sendable`).
public final class CursesScreen: @unchecked Sendable {
    private let screen: OpaquePointer
    private let useColor: Bool
    private var closed = false

    /// Takes over the terminal; nil when ncurses cannot (unknown TERM, not a terminal), in which case
    /// the caller falls back to batch mode.
    public init?(color: Bool) {
        setlocale(LC_ALL, "")
        guard let screen = newterm(nil, prism_stdout(), prism_stdin()) else { return nil }
        self.screen = screen
        cbreak()
        noecho()
        keypad(prism_stdscr(), true)
        curs_set(0)
        // Esc must not wait a second for a possible escape sequence.
        set_escdelay(25)
        timeout(100)
        useColor = color && has_colors()
        if useColor {
            start_color()
            use_default_colors()
            // The terminal's own background (-1), so light and dark themes both read well.
            for (pair, foreground) in [(1, COLOR_GREEN), (2, COLOR_YELLOW), (3, COLOR_RED), (4, COLOR_CYAN)] {
                init_pair(Int16(pair), Int16(foreground), -1)
            }
        }
        signal(SIGINT) { _ in interrupted.store(true, ordering: .relaxed) }
        signal(SIGTERM) { _ in interrupted.store(true, ordering: .relaxed) }
    }

    /// Whether the locale can show UTF-8 (✓ ✗ ▼); otherwise prism-top uses ASCII symbols.
    public static var localeIsUTF8: Bool {
        setlocale(LC_ALL, "")
        guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
        let name = String(cString: codeset).uppercased()
        return name == "UTF-8" || name == "UTF8"
    }

    public var size: (width: Int, height: Int) { (Int(prism_cols()), Int(prism_lines())) }

    public var wasInterrupted: Bool { interrupted.load(ordering: .relaxed) }

    public func draw(_ grid: CellGrid) {
        erase()
        for y in 0..<grid.height {
            var x = 0
            while x < grid.width {
                let role = grid[x, y].role
                let start = x
                var run = ""
                while x < grid.width, grid[x, y].role == role {
                    if let character = grid[x, y].character { run.append(character) }
                    x += 1
                }
                let bytes = Array(run.utf8)
                bytes.withUnsafeBufferPointer { buffer in
                    buffer.withMemoryRebound(to: CChar.self) { chars in
                        prism_draw(Int32(y), Int32(start), chars.baseAddress, Int32(chars.count), attributes(role))
                    }
                }
            }
        }
        refresh()
    }

    /// The next key within the `getch` timeout (100 ms); `.resize` tells the caller to re-render.
    public func nextKey() -> TerminalInput? {
        var character: wint_t = 0
        let kind = get_wch(&character)
        if kind == prism_err() { return nil }
        let code = Int32(character)
        if kind == KEY_CODE_YES {
            switch code {
            case prism_key_resize(): return .resize
            case prism_key_up(): return .key(.up)
            case prism_key_down(): return .key(.down)
            case prism_key_npage(): return .key(.pageDown)
            case prism_key_ppage(): return .key(.pageUp)
            case prism_key_home(): return .key(.home)
            case prism_key_end(): return .key(.end)
            case prism_key_enter(): return .key(.enter)
            case prism_key_backspace(): return .key(.backspace)
            case prism_key_left(): return .key(.character("<"))
            case prism_key_right(): return .key(.character(">"))
            default: return nil
            }
        }
        switch code {
        case 10, 13: return .key(.enter)
        case 27: return .key(.escape)
        case 8, 127: return .key(.backspace)
        case 12: return .key(.redraw)
        default:
            guard let scalar = Unicode.Scalar(UInt32(code)) else { return nil }
            return .key(.character(Character(scalar)))
        }
    }

    /// The next refresh repaints every cell (Ctrl-L), mending a screen another program scribbled on.
    public func forceRedraw() { clearok(prism_stdscr(), true) }

    /// Gives the terminal back exactly as it was; safe to call more than once.
    public func close() {
        guard !closed else { return }
        closed = true
        endwin()
        delscreen(screen)
    }

    deinit { close() }

    private func attributes(_ role: StyleRole) -> chtype {
        let color: (Int32) -> chtype = { [useColor] pair in useColor ? prism_color_pair(pair) : 0 }
        switch role {
        case .normal: return 0
        case .title: return prism_a_bold()
        case .header: return prism_a_reverse()
        case .tab: return 0
        case .activeTab: return prism_a_bold() | prism_a_underline()
        case .selected: return prism_a_reverse() | prism_a_bold()
        case .healthy: return color(1)
        case .degraded: return color(2) | prism_a_bold()
        case .unhealthy: return color(3) | prism_a_bold()
        case .stale: return color(2) | prism_a_reverse()
        case .dim: return prism_a_dim()
        case .error: return color(3) | prism_a_bold()
        case .hint: return color(4)
        }
    }
}

public enum TerminalInput: Sendable, Equatable {
    case key(TopKey)
    case resize
}
