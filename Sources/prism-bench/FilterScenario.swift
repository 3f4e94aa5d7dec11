import ArgumentParser
import PrismFilter

struct FilterScenario: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filter",
        abstract: "Filter evaluation throughput and parse time.",
        discussion: """
            Evaluates a 5-predicate filter (==, <, startswith, in, exists) over varied device metadata,
            a single equality predicate over the same data, and parses a 2 KiB filter.
            ns_per_predicate divides by the predicates actually evaluated (and/or short-circuit).
            """
    )

    static let fivePredicates =
        #"type == "sensor" and floor < 4 and kind startswith "t" and building in ["HQ", "B2", "LAB"] and battery exists"#

    @Option(help: "Distinct metadata objects to evaluate against.")
    var objects = 1000

    func validate() throws {
        guard objects > 0, passes > 0, samples > 0 else {
            throw ValidationError("--objects, --passes and --samples must be positive")
        }
    }

    @Option(help: "Passes over all objects per timed sample.")
    var passes = 100

    @Option(help: "Timed samples (p50/p99 are over samples).")
    var samples = 30

    @Flag(help: "Print JSON (the default; kept for symmetry with other scenarios).")
    var json = false

    func run() throws {
        let fleet = SampleFleet.devices(count: objects, seed: 42)
        let five = try Filter(Self.fivePredicates)
        let single = try Filter(#"type == "sensor""#)
        let predicatesEvaluated = try Self.averagePredicatesEvaluated(Self.fivePredicates, over: fleet)

        let (fiveTimes, fiveMatched) = measureEvaluation(five, fleet)
        let (singleTimes, _) = measureEvaluation(single, fleet)
        let (baselineTimes, _) = measureEvaluation(try Filter("true"), fleet)
        let parse = try measureParse()

        let fiveMedian = fiveTimes.median
        let report: [(String, String)] = [
            ("scenario", "\"filter\""),
            ("objects", "\(objects)"),
            ("filter", Self.quoted(Self.fivePredicates)),
            ("matched_share", Self.number(fiveMatched)),
            ("evaluations_per_second", Self.number(1e9 / fiveMedian)),
            ("ns_per_evaluation_p50", Self.number(fiveMedian)),
            ("ns_per_evaluation_p99", Self.number(fiveTimes.value(at: 99))),
            ("predicates_evaluated_per_evaluation", Self.number(predicatesEvaluated)),
            ("ns_per_predicate", Self.number(fiveMedian / predicatesEvaluated)),
            ("single_equality_ns_p50", Self.number(singleTimes.median)),
            ("single_equality_ns_p99", Self.number(singleTimes.value(at: 99))),
            ("constant_filter_ns_p50", Self.number(baselineTimes.median)),
            ("parse_filter_bytes", "\(parse.bytes)"),
            ("parse_filter_predicates", "\(parse.predicates)"),
            ("parse_us_p50", Self.number(parse.times.median / 1000)),
            ("parse_us_p99", Self.number(parse.times.value(at: 99) / 1000)),
        ]
        print("{" + report.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")
    }

    /// Nanoseconds per evaluation (one sample per set of passes), and the share of objects matched.
    private func measureEvaluation(_ filter: Filter, _ fleet: [(identity: String, metadata: JSONObject)])
        -> (times: Percentiles, matchedShare: Double)
    {
        var matched = 0
        var times: [Double] = []
        let metadata = fleet.map(\.metadata)
        let identities = fleet.map(\.identity)
        for sample in 0...samples {
            // Read through buffers as the memory registry's scan does, so the loop adds no reference counting.
            let elapsed = metadata.withUnsafeBufferPointer { metadata in
                identities.withUnsafeBufferPointer { identities in
                    Stopwatch.measure {
                        for _ in 0..<passes {
                            for index in metadata.indices
                            where filter.matches(metadata[index], identity: identities[index]) {
                                matched &+= 1
                            }
                        }
                    }
                }
            }
            // The first sample warms caches and is not counted.
            if sample > 0 { times.append(Double(elapsed) / Double(passes * fleet.count)) }
        }
        return (Percentiles(times), Double(matched) / Double((samples + 1) * passes * fleet.count))
    }

    /// How many predicates the short-circuiting `and` evaluates on average, found by testing each
    /// predicate alone: evaluation stops at the first that fails.
    private static func averagePredicatesEvaluated(
        _ text: String, over fleet: [(identity: String, metadata: JSONObject)]
    ) throws -> Double {
        guard case .and(let operands) = try Filter.parse(text) else { return 1 }
        let parts = try operands.map { try Filter(expression: $0) }
        var total = 0
        for device in fleet {
            for (position, part) in parts.enumerated() {
                if !part.matches(device.metadata, identity: device.identity) || position == parts.count - 1 {
                    total += position + 1
                    break
                }
            }
        }
        return Double(total) / Double(fleet.count)
    }

    /// A filter of about 2 KiB mixing every kind of predicate, parsed and compiled repeatedly.
    private func measureParse() throws -> (bytes: Int, predicates: Int, times: Percentiles) {
        var clauses: [String] = []
        var index = 0
        while clauses.joined(separator: " or ").utf8.count < 1950 {
            clauses.append(
                "(kind == \"temperature-sensor\" and floor >= \(index % 6) and building in [\"headquarters\", \"annex-\(index)\", \"laboratory\"] "
                    + "and @id matches \"^device-\(index)[0-9]*$\" and firmware < v\"2.\(index).0\")")
            index += 1
        }
        let text = clauses.joined(separator: " or ")
        let predicates = try Filter.parse(text).predicates.count
        var times: [Double] = []
        for _ in 0..<(samples * 20) {
            var result: Filter?
            let elapsed = Stopwatch.measure { result = try? Filter(text) }
            precondition(result != nil)
            times.append(Double(elapsed))
        }
        return (text.utf8.count, predicates, Percentiles(times))
    }

    private static func number(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    private static func quoted(_ text: String) -> String {
        Value.string(text).jsonText
    }
}
