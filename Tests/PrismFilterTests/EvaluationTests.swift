import Testing

@testable import PrismFilter

@Suite("Evaluation semantics")
struct EvaluationTests {
    static let device: JSONObject = [
        "type": "sensor", "floor": 1, "battery": 0.15, "firmware": "1.10.2", "online": true, "note": .null,
        "capabilities": ["read", "reboot"], "location": ["building": "HQ", "room": 12], "name": "Temp-01",
    ]

    private func evaluate(_ text: String, _ metadata: JSONObject = device, identity: String = "dev-7") throws -> Bool {
        try Filter(text).matches(metadata, identity: identity)
    }

    @Test(
        "each operator on a present field",
        arguments: [
            ("floor == 1", true), ("floor == 1.0", true), (#"floor == "1""#, false), ("online == 1", false),
            ("floor != 2", true), ("battery < 0.2", true), ("battery >= 0.15", true), ("floor > 0.5", true),
            (#"type < "tz""#, true), (#"type < 5"#, false), (#"firmware > v"1.9""#, true),
            (#"firmware == v"1.10.2.0""#, true), (#"firmware < v"1.10.10""#, true),
            (#"type in ["gateway", "sensor"]"#, true), (#"capabilities in ["reboot"]"#, true),
            (#"capabilities contains "read""#, true), (#"name contains "mp-""#, true),
            (#"name startswith "Temp""#, true), (#"name endswith "01""#, true), (#"name matches "^t""#, false),
            (#"name matches "(?i)^t""#, true), ("note == null", true), ("note exists", true),
            (#"location.building == "HQ""#, true), ("location.room >= 12", true), ("online", true),
            (#"@id == "dev-7""#, true), (#"@id matches "^dev-\\d+$""#, true),
        ])
    func presentFields(text: String, expected: Bool) throws {
        #expect(try evaluate(text) == expected)
    }

    @Test(
        "an absent path makes every positive predicate false and every negation true",
        arguments: [
            "missing == 1", "missing < 1", "missing >= 1", #"missing in [1]"#, #"missing contains "x""#,
            #"missing startswith "x""#, #"missing endswith "x""#, #"missing matches ".""#, "missing exists",
            "floor.deeper == 1", "location.room.x exists", #"missing == v"1.0""#, "missing",
        ])
    func absentPaths(positive: String) throws {
        #expect(try evaluate(positive) == false)
        #expect(try evaluate("not (\(positive))") == true)
    }

    @Test(
        "negated operators are exactly `not` of their positive form",
        arguments: [
            ("floor != 1", "not floor == 1"), (#"type not in ["sensor"]"#, #"not type in ["sensor"]"#),
            (#"name not contains "x""#, #"not name contains "x""#),
            (#"floor not startswith "1""#, #"not floor startswith "1""#), ("note not exists", "not note exists"),
            (#"floor not matches "1""#, #"not floor matches "1""#), (#"missing != 1"#, "not missing == 1"),
        ])
    func negations(negated: String, spelledOut: String) throws {
        for metadata in [Self.device, JSONObject(), ["floor": "1", "type": 3, "name": .null]] as [JSONObject] {
            #expect(try evaluate(negated, metadata) == evaluate(spelledOut, metadata))
        }
    }

    @Test("wrong types are false, never coerced")
    func wrongTypes() throws {
        let metadata: JSONObject = ["n": "5", "s": 5, "b": "true", "a": [1, 2]]
        #expect(try evaluate("n > 1", metadata) == false)
        #expect(try evaluate(#"s startswith "5""#, metadata) == false)
        #expect(try evaluate("b == true", metadata) == false)
        #expect(try evaluate("a == 1", metadata) == false)
        #expect(try evaluate("a contains 1.0", metadata) == true)
        #expect(try evaluate(#"s contains "5""#, metadata) == false)
        #expect(try evaluate(#"n < v"6""#, metadata) == true)
        #expect(try evaluate(#"s < v"6""#, metadata) == false)
    }

    @Test("long `in` lists are hashed and give the same answers as short ones")
    func longLists() throws {
        let items = (0..<100).map { "\"v\($0)\"" }.joined(separator: ", ")
        #expect(try evaluate("type in [\(items), \"sensor\"]") == true)
        #expect(try evaluate("floor in [\((2..<100).map(String.init).joined(separator: ", ")), 1.0]") == true)
        #expect(try evaluate("type in [\(items)]") == false)
    }

    @Test("the map form means the same as the text form")
    func mapForm() throws {
        let pairs: [(String, String)] = [
            (#"{"type": "sensor", "floor.gte": 1}"#, #"type == "sensor" and floor >= 1"#),
            (#"{"location.building": "HQ"}"#, #"location.building == "HQ""#),
            (#"{"note": "*"}"#, "note exists"),
            (#"{"note.exists": false}"#, "note not exists"),
            (#"{"$or": [{"floor": 2}, {"battery.lt": 0.2}]}"#, "floor == 2 or battery < 0.2"),
            (#"{"$not": {"type.in": ["sensor"]}}"#, #"not type in ["sensor"]"#),
            (#"{"name.regex": "^Temp"}"#, #"name matches "^Temp""#),
            (#"{"@id.startswith": "dev"}"#, #"@id startswith "dev""#),
            ("{}", "true"),
        ]
        for (map, text) in pairs {
            #expect(try Filter.parse(map) == Filter.parse(text), "\(map)")
        }
    }

    @Test(
        "map form errors name the key",
        arguments: [
            (#"{"$nor": []}"#, "unknown key '$nor'"), (#"{"$and": []}"#, "non-empty array"),
            (#"{"a.in": 1}"#, "takes an array"), (#"{"a": [1]}"#, "must be a string, number"),
            (#"{"a.exists": 1}"#, "true or false"), (#"{"a.startswith": 1}"#, "expects a string"),
            (#"{"a": 1,}"#, "invalid JSON"), (#"{"a..b": 1}"#, "empty path segment"),
        ])
    func mapFormErrors(input: String, message: String) {
        #expect {
            _ = try Filter(input)
        } throws: { error in
            (error as? FilterError)?.description.contains(message) == true
        }
    }
}
