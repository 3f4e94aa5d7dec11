import Testing

@testable import PrismFilter

@Suite("JSON values")
struct ValueTests {
    @Test("integers and floats keep their kind but compare numerically")
    func numberKinds() throws {
        #expect(try Value(json: "1") == .int(1))
        if case .double = try Value(json: "1.0") {} else { Issue.record("1.0 should parse as a double") }
        #expect(Value.int(1) == Value.double(1.0))
        #expect(Value.int(1) != Value.double(1.5))
        #expect(Value.int(1) != Value.string("1"))
        #expect(Value.bool(true) != Value.int(1))
    }

    @Test("comparisons above 2^53 are exact, not rounded through Double")
    func largeIntegers() {
        let big: Int64 = 9_007_199_254_740_993
        #expect(Value.int(big) != Value.double(9_007_199_254_740_992.0))
        #expect(Value.int(big - 1) == Value.double(9_007_199_254_740_992.0))
        #expect(NumberOrder.compare(Int64.max, 9_223_372_036_854_775_808.0) == .less)
        #expect(NumberOrder.compare(Int64.min, -9_223_372_036_854_775_808.0) == .equal)
    }

    @Test("equal values hash equally, whatever the number kind or key order")
    func hashing() throws {
        let a = try Value(json: #"{"b": 2, "a": [1, "x"]}"#)
        let b = try Value(json: #"{"a": [1.0, "x"], "b": 2.0}"#)
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(Set([Value.int(3), .double(3.0)]).count == 1)
    }

    @Test("strings compare by bytes: canonically equivalent spellings are different values")
    func byteStrings() {
        let precomposed = "\u{E9}"
        let decomposed = "e\u{301}"
        #expect(precomposed == decomposed)  // Swift's own String equality
        #expect(Value.string(precomposed) != Value.string(decomposed))
        #expect(StringOrder.compare("B", "a") < 0)
        #expect(StringOrder.compare("a", "ab") < 0)
    }

    @Test(
        "malformed JSON is refused with a position",
        arguments: [
            (#"{"a": 1,}"#, "1:9"), (#"{"a": 1, "a": 2}"#, "1:10"), ("[1, 2", "1:6"), ("01", "1:1"),
            ("\"abc", "1:1"), ("{\n  \"a\": tru}", "2:8"), ("1 2", "1:3"), ("1e999", "1:1"),
        ])
    func malformed(json: String, position: String) {
        #expect {
            _ = try Value(json: json)
        } throws: { error in
            (error as? FilterError)?.description.hasPrefix(position + ":") == true
        }
    }

    @Test("JSON text round-trips through the parser and printer")
    func jsonRoundTrip() throws {
        let text = #"{"a":[1,2.5,-0.001,1e+20,"x\"y\n\u0001",true,null],"b":{"c":{}},"\u00e9":"\ud83d\ude00"}"#
        let value = try Value(json: text)
        #expect(try Value(json: value.jsonText) == value)
        #expect(Value.double(2.0).jsonText == "2.0")
    }

    @Test("the JSON size bound is never below the encoded size, whatever needs escaping")
    func jsonSizeBound() throws {
        let extremes: [Value] = [
            .null, .bool(false), .int(.min), .int(.max), .double(-2.2250738585072014e-308),
            .double(-.greatestFiniteMagnitude), .double(1e300), .double(-0.1), .string(""),
            .string("\u{1}\u{1F}\u{7F}\"\\"), .string(String(repeating: "\u{0}", count: 100)),
            .string("é😀"), .array([]), .object([:]),
        ]
        var random = SystemRandomNumberGenerator()
        var values = extremes
        values.append(.array(extremes))
        values.append(.object(JSONObject(extremes.indices.map { ("k\u{1}\($0)", extremes[$0]) })))
        for _ in 0..<200 {
            let members = (0..<Int.random(in: 0...6, using: &random)).map { index in
                ("\u{1}key\(index)", extremes.randomElement(using: &random)!)
            }
            values.append(.object(JSONObject(members)))
        }
        for value in values {
            #expect(value.jsonSizeBound >= value.jsonText.utf8.count, "\(value.jsonText)")
        }
    }

    @Test("deep JSON nesting is an error, not a stack overflow")
    func deepJSON() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: FilterError.self) { _ = try Value(json: deep) }
    }

    @Test("JSONObject keeps keys sorted, finds them linearly or by binary search, and removes them")
    func objects() {
        var small: JSONObject = ["b": 2, "a": 1]
        #expect(small.keys == ["a", "b"])
        small["c"] = 3
        small["a"] = nil
        #expect(small.keys == ["b", "c"])
        #expect(small["c"] == .int(3))
        #expect(small["a"] == nil)
        let large = JSONObject((0..<200).map { ("key\($0)", Value.int(Int64($0))) })
        #expect(large.count == 200)
        #expect(large["key150"] == .int(150))
        #expect(large["key1500"] == nil)
        #expect(JSONObject([("k", 1), ("k", 2)])["k"] == .int(2))
    }

    @Test(
        "every key is found and no absent key is, on both sides of the slot-table limit", arguments: [1, 9, 127, 128])
    func lookupsAtEverySize(count: Int) {
        let object = JSONObject((0..<count).map { ("k\($0)", Value.int(Int64($0))) })
        for index in 0..<count { #expect(object["k\(index)"] == .int(Int64(index))) }
        for index in count..<(count + 50) { #expect(object["k\(index)"] == nil) }
        #expect(object[""] == nil)
    }
}
