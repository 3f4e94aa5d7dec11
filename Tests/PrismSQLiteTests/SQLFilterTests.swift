import PrismFilter
import Testing

@testable import PrismSQLite

@Suite("Filter pushdown to SQL")
struct SQLFilterTests {
    @Test(
        "operators SQLite decides exactly are pushed down whole",
        arguments: [
            #"type == "sensor" and floor >= 2"#, #"kind in ["co2", "humidity"] or not battery < 0.2"#,
            #"tags contains "read" and name startswith "T" and name endswith "1""#, "note exists and x not exists",
            #"@id in ["a", "b"] or loc.building != "HQ""#, "online",
            #"{"floor.gte": 1, "$or": [{"a": null}, {"b": true}]}"#,
        ])
    func exact(text: String) throws {
        let compiled = SQLFilter.compile(try Filter.parse(text), firstParameter: 3)
        #expect(compiled.exact)
        #expect(!compiled.sql.contains("'sensor'"), "values are bound, not spliced")
    }

    @Test(
        "regex, versions and unaddressable keys leave a superset for the reference evaluator",
        arguments: [
            #"name matches "^T" and floor == 1"#, #"firmware < v"2.0""#, #"["we\"ird"] == 1"#,
            #"not name matches "x""#,
        ])
    func inexact(text: String) throws {
        let compiled = SQLFilter.compile(try Filter.parse(text), firstParameter: 3)
        #expect(!compiled.exact)
    }

    @Test("a predicate that is always false binds nothing, so no parameter is left unnamed")
    func constantPredicates() throws {
        let compiled = SQLFilter.compile(try Filter.parse("floor < true and not note > null"), firstParameter: 3)
        #expect(compiled.exact)
        #expect(compiled.parameters.isEmpty)
        #expect(compiled.sql == "(0 AND (NOT 0))")
    }

    @Test("a NOT that SQL cannot decide leaves none of its operand's values bound")
    func undecidedNot() throws {
        let compiled = SQLFilter.compile(
            try Filter.parse(#"a == "x" and not (b == "y" and c matches "z")"#), firstParameter: 3)
        #expect(!compiled.exact)
        #expect(compiled.parameters == [.text(#"$."a""#), .text("x")])
    }

    @Test("strings and keys from the filter only ever appear as parameters")
    func parametersOnly() throws {
        let compiled = SQLFilter.compile(
            try Filter.parse(#"["a'b"] == "x'; DROP TABLE identities; --""#), firstParameter: 3)
        #expect(!compiled.sql.contains("DROP"))
        #expect(!compiled.sql.contains("a'b"))
        #expect(compiled.parameters.contains(.text("x'; DROP TABLE identities; --")))
        #expect(compiled.parameters.contains(.text(#"$."a'b""#)))
    }
}
