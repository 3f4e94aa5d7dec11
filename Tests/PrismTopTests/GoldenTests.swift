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
        let grid = TopRenderer.render(Fixtures.state(), width: 80, height: 24)
        let layer = (0..<grid.height).map { y in
            String((0..<grid.width).map { x in Self.letter(grid[x, y].role) })
        }.joined(separator: "\n")
        try compare(layer + "\n", with: "patterns-80x24.styles")
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
