import Foundation
import Testing

@testable import PrismFilter

@Suite("Text form parser")
struct ParserTests {
    private func parse(_ text: String, limits: FilterLimits = .default) throws -> FilterExpression {
        try Filter.parse(text, limits: limits)
    }

    @Test(
        "canonical text shows precedence and normalises spelling",
        arguments: [
            ("a or b and c", "a == true or b == true and c == true"),
            ("(a or b) and c", "(a == true or b == true) and c == true"),
            ("NOT x == 1 AND y != 2", "not x == 1 and y != 2"),
            ("! (x == 1 || y == 2)", "not (x == 1 or y == 2)"),
            ("k NOT IN [1, 'a']", #"k not in [1, "a"]"#),
            ("exists(a.b)", "a.b exists"),
            ("x not exists", "x not exists"),
            (#"["my key"].sub["in"] == 1"#, #"["my key"].sub["in"] == 1"#),
            (#"location.["room 1"] == 'x'"#, #"location["room 1"] == "x""#),
            ("last-seen >= 3", "last-seen >= 3"),
            (#"fw < V"1.10""#, #"fw < v"1.10""#),
            ("@id startswith \"dev-\"", "@id startswith \"dev-\""),
            ("", "true"),
            ("  ", "true"),
            ("n == -1.5e3", "n == -1500.0"),
        ])
    func canonical(input: String, expected: String) throws {
        #expect(try parse(input).description == expected)
    }

    @Test(
        "errors name the position and what was expected",
        arguments: [
            ("floor ==", "1:9: expected a value after '==', found end of input"),
            ("building == HQ", "1:13: strings must be quoted"),
            (#"name startwith "a""#, "1:6: unknown operator 'startwith'; did you mean 'startswith'?"),
            (#"name endwith "a""#, "did you mean 'endswith'?"),
            ("a == 1 b == 2", "1:8: expected 'and', 'or' or end of input"),
            ("(a == 1", "1:8: expected ')'"),
            ("a = 1", "1:3: unexpected '='; did you mean '=='?"),
            ("a == 'x", "1:6: unterminated string"),
            ("a == 01", "1:6: invalid number"),
            (#"a startswith 1"#, "'startswith' expects a string"),
            (#"a < v"1.x""#, "invalid version"),
            (#"a in [v"1.0"]"#, "a version literal only goes with"),
            ("a == 1 and\n  b ==", "2:7: expected a value after '=='"),
            ("in == 1", "1:1: expected a predicate, found keyword 'in'"),
            ("@name == 1", "1:1: unknown '@name'"),
            (#"a matches "(a""#, "invalid regex"),
            ("a == and", "1:6: expected a value after '==', found keyword 'and'"),
        ])
    func errors(input: String, message: String) {
        #expect {
            _ = try Filter(input)
        } throws: { error in
            (error as? FilterError)?.description.contains(message) == true
        }
    }

    @Test("the caret line points under the column")
    func caret() {
        do {
            _ = try Filter("floor ==")
            Issue.record("expected an error")
        } catch {
            #expect(
                error.diagnostic(source: "floor ==")
                    == "1:9: expected a value after '==', found end of input\n  floor ==\n          ^")
            #expect(error.code == .syntax)
        }
    }

    @Test("50,000 levels of nesting are a clean 'nesting too deep' error, never a stack overflow")
    func deepNesting() {
        var limits = FilterLimits.default
        limits.maxTextBytes = 1_000_000
        limits.maxDepth = 1_000_000  // clamped to FilterLimits.hardMaxDepth
        for deep in [
            String(repeating: "(", count: 50_000) + "a" + String(repeating: ")", count: 50_000),
            String(repeating: "not ", count: 50_000) + "a",
            String(repeating: "!", count: 50_000) + "a",
        ] {
            #expect {
                _ = try Filter(deep, limits: limits)
            } throws: { error in
                (error as? FilterError)?.description.contains("nesting too deep") == true
            }
        }
        // With the default limits the same input is refused even earlier, by its size.
        #expect {
            _ = try Filter(String(repeating: "(", count: 50_000))
        } throws: { error in
            (error as? FilterError)?.code == .limitExceeded
        }
    }

    @Test("limits are enforced exactly at their boundary")
    func limits() throws {
        var limits = FilterLimits.default
        limits.maxPredicates = 3
        _ = try Filter("a == 1 and b == 2 and c == 3", limits: limits)
        #expect(throws: FilterError.self) { try Filter("a == 1 and b == 2 and c == 3 and d == 4", limits: limits) }
        limits = .default
        limits.maxListItems = 2
        _ = try Filter("a in [1, 2]", limits: limits)
        #expect(throws: FilterError.self) { try Filter("a in [1, 2, 3]", limits: limits) }
        limits = .default
        limits.maxRegexLength = 3
        _ = try Filter(#"a matches "abc""#, limits: limits)
        #expect(throws: FilterError.self) { try Filter(#"a matches "abcd""#, limits: limits) }
        limits = .default
        limits.maxDepth = 2
        _ = try Filter("((a))", limits: limits)
        #expect(throws: FilterError.self) { try Filter("(((a)))", limits: limits) }
        limits = .default
        limits.maxTextBytes = 6
        _ = try Filter("a == 1", limits: limits)
        #expect(throws: FilterError.self) { try Filter("a == 10", limits: limits) }
    }

    @Test("the closest operator name is suggested only when it is close")
    func suggestions() {
        #expect(ClosestName.find("startwith", among: TextParser.operatorWords) == "startswith")
        #expect(ClosestName.find("contans", among: TextParser.operatorWords) == "contains")
        #expect(ClosestName.find("banana", among: TextParser.operatorWords) == nil)
    }
}

@Suite("Stack safety")
struct StackSafetyTests {
    /// The deepest filter and JSON the limits allow are parsed, compiled, printed and evaluated on a thread
    /// with a 512 KiB stack (the size of Swift task threads on Linux), in whatever build the tests run.
    @Test("the deepest accepted filter needs little stack")
    func deepestFilterOnSmallStack() async throws {
        let limits = FilterLimits(maxTextBytes: 1_000_000, maxDepth: FilterLimits.hardMaxDepth)
        let depth = FilterLimits.hardMaxDepth
        let text = String(repeating: "not (", count: depth / 2) + "a == 1" + String(repeating: ")", count: depth / 2)
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
            let thread = Thread {
                do {
                    let filter = try Filter(text, limits: limits)
                    let printed = filter.description
                    let again = try Filter.parse(printed, limits: limits)
                    let result = filter.matches(["a": 1], identity: "x")
                    let levels = Value.defaultMaxJSONDepth - 1
                    let json =
                        String(repeating: #"{"a":["#, count: levels / 2) + "1"
                        + String(repeating: "]}", count: levels / 2)
                    let value = try Value(json: json)
                    let jsonRoundTrip = try Value(json: value.jsonText) == value
                    let map =
                        String(repeating: #"{"$not": "#, count: depth) + #"{"a": 1}"#
                        + String(repeating: "}", count: depth)
                    _ = try Filter(map, limits: limits)
                    continuation.resume(returning: "\(again == filter.expression) \(result) \(jsonRoundTrip)")
                } catch {
                    continuation.resume(returning: "error: \(error)")
                }
            }
            thread.stackSize = 512 * 1024
            thread.start()
        }
        #expect(outcome == "true true true")
    }
}
