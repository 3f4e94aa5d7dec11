import ArgumentParser
import PrismTop

struct TopRenderScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "top-render",
        abstract: "prism-top's render time per frame (reducer tick + render to a cell grid), without a terminal.")

    @Option(help: "Terminal width.")
    var width = 132

    @Option(help: "Terminal height (40 or more stacks the three views).")
    var height = 43

    @Option(help: "Identities in the snapshot.")
    var identities = 500

    @Option(help: "Frames to time.")
    var frames = 2000

    @Flag(help: "Print JSON (always).")
    var json = false

    func run() async throws {
        let now = 1_795_000_000.0
        let snapshot = Snapshot(
            patterns: (0..<8).map { PatternRow(namespace: "ns-\($0)", identities: 10_000) },
            identities: (0..<identities).map { index in
                IdentityRow(
                    namespace: "iot", identity: "device-\(index)", registeredAt: now - Double(index),
                    expiresAt: now + Double(index % 60),
                    metadata:
                        "type=sensor floor=\(index % 5) building=HQ firmware=1.\(index % 9).0 battery=0.\(index % 10)")
            },
            identityTotal: 10_000,
            multicasts: (0..<200).map { index in
                MulticastRow(
                    at: now - Double(index), namespace: "iot", filter: "floor == \(index % 5)", targets: 2000,
                    delivered: 1990, failed: 10, timeout: 0, latencyMilliseconds: 40)
            }, fetchedAt: now)
        var state = TopState(server: "127.0.0.1:8980", namespace: "iot", interval: 1, now: now)
        _ = TopReducer.reduce(&state, .snapshot(snapshot))
        var samples: [Double] = []
        var checksum = 0
        for frame in 0..<frames {
            let start = Stopwatch.now()
            _ = TopReducer.reduce(&state, .tick(now + Double(frame)))
            let grid = TopRenderer.render(state, width: width, height: height)
            samples.append(Double(Stopwatch.now() - start) / 1e3)
            checksum &+= grid.cells.count
        }
        let times = Percentiles(samples)
        var report = JSONReport(scenario: "top-render")
        report.add("width", width)
        report.add("height", height)
        report.add("identities", identities)
        report.add("frame_us_p50", times.median)
        report.add("frame_us_p99", times.value(at: 99))
        report.add("cells", checksum / max(1, frames))
        report.print()
    }
}
