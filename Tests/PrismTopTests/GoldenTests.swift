import Foundation
import Testing

@testable import PrismTop

/// Whole frames compared with files in golden/: the text layer, and for one size the style layer
/// (one letter per cell for its role, which the terminal backend maps to colours or, on a monochrome
/// terminal, to attributes). `PRISM_UPDATE_GOLDEN=1 swift test --filter GoldenTests` rewrites them.
@Suite("prism-top golden frames")
struct GoldenTests {
    @Test(
        "frames at 80x24, 132x43 and 50x12, UTF-8 and ASCII, with wide metadata",
        arguments: [
            ("patterns-80x24", TopView.patterns, 80, 24, false),
            ("identities-80x24", TopView.identities, 80, 24, false),
            ("multicast-80x24-ascii", TopView.multicast, 80, 24, true),
            ("stacked-132x43", TopView.identities, 132, 43, false),
            ("tiny-50x12", TopView.patterns, 50, 12, false),
        ])
    func frame(name: String, view: TopView, width: Int, height: Int, ascii: Bool) throws {
        let grid = TopRenderer.render(Fixtures.state(view: view, ascii: ascii), width: width, height: height)
        try compare(grid.text + "\n", with: name + ".txt")
    }

    @Test("the style layer at 80x24: roles, never colour alone")
    func styles() throws {
        try compare(
            Self.styleLayer(TopRenderer.render(Fixtures.state(), width: 80, height: 24)), with: "patterns-80x24.styles")
    }

    @Test("whole identity names at 132 columns, with metadata columns, on screen and in --once")
    func wholeNames() throws {
        var state = Fixtures.state(view: .identities)
        state.metadataColumns = ["floor", "kind", "battery"]
        _ = TopReducer.reduce(&state, .snapshot(Fixtures.longNames))
        try compare(TopRenderer.render(state, width: 132, height: 24).text + "\n", with: "identities-names-132x24.txt")
        try compare(BatchWriter.text(state), with: "once-names-132.txt")
    }

    @Test("the identity detail pane, tabbed at 80x24 and stacked at 132x43")
    func identityDetail() throws {
        var state = Fixtures.state(view: .identities)
        _ = TopReducer.reduce(&state, .key(.down))
        _ = TopReducer.reduce(&state, .key(.enter))
        try compare(TopRenderer.render(state, width: 80, height: 24).text + "\n", with: "detail-80x24.txt")
        try compare(TopRenderer.render(state, width: 132, height: 43).text + "\n", with: "detail-132x43.txt")
    }

    @Test("the stale state: greyed rows, ? for health, the short reason; text and style layers")
    func stale() throws {
        let grid = TopRenderer.render(Fixtures.staleState(), width: 80, height: 24)
        try compare(grid.text + "\n", with: "stale-80x24.txt")
        try compare(Self.styleLayer(grid), with: "stale-80x24.styles")
        try compare(
            TopRenderer.render(Fixtures.staleState(view: .identities), width: 132, height: 43).text + "\n",
            with: "stale-132x43.txt")
    }

    @Test("the help screen at 80x24")
    func help() throws {
        var state = Fixtures.state()
        _ = TopReducer.reduce(&state, .key(.character("?")))
        try compare(TopRenderer.render(state, width: 80, height: 24).text + "\n", with: "help-80x24.txt")
    }

    private static func styleLayer(_ grid: CellGrid) -> String {
        (0..<grid.height).map { y in
            String((0..<grid.width).map { x in Self.letter(grid[x, y].role) })
        }.joined(separator: "\n") + "\n"
    }

    private static func letter(_ role: StyleRole) -> Character {
        switch role {
        case .normal: "."
        case .title: "T"
        case .header: "H"
        case .tab: "t"
        case .activeTab: "A"
        case .selected: "S"
        case .healthy: "g"
        case .degraded: "y"
        case .unhealthy: "r"
        case .stale: "s"
        case .dim: "d"
        case .error: "E"
        case .hint: "h"
        }
    }

    private func compare(_ actual: String, with file: String, sourceLocation: SourceLocation = #_sourceLocation)
        throws
    {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("golden/\(file)")
        if ProcessInfo.processInfo.environment["PRISM_UPDATE_GOLDEN"] == "1" {
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(actual == expected, "\(file) differs; the frame now:\n\(actual)", sourceLocation: sourceLocation)
    }
}
