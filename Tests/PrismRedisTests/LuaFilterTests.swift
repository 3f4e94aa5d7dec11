import PrismFilter
import TestServers
import Testing

@testable import PrismRedis

@Suite("LuaFilter: filters compiled for the Redis scan script")
struct LuaFilterTests {
    static func compiled(_ source: String) throws -> LuaFilter {
        LuaFilter(try Filter.parse(source))
    }

    static func text(_ program: [[UInt8]]) -> [String] { program.map { String(decoding: $0, as: UTF8.self) } }

    @Test(arguments: [
        ("type == \"actuator\" and floor == 2", true),
        ("battery < 0.05 or not (note exists)", true),
        ("tags contains \"x\" and kind in [\"valve\", 1, true, null]", true),
        ("firmware >= v\"1.10\" and @id startswith \"dev-\"", true),
        ("loc.building endswith \"Q\" and a.b.c != 1.5", true),
        ("flag < true", true),
        ("name matches \"^a\"", false),
        ("not (name matches \"^a\") and floor == 1", false),
        ("count == 9007199254740993", false),
        ("count < 9007199254740992", false),
        ("count in [1, 9007199254740993]", false),
        ("count > 1e300", false),
        ("count > -9007199254740991", true),
    ])
    func exactness(_ source: String, _ exact: Bool) throws {
        #expect(try Self.compiled(source).exact == exact)
    }

    @Test func programLayout() throws {
        let program = Self.text(
            try Self.compiled("type == \"a\" and not (loc.b in [1, \"x\"]) or @id endswith \"-1\"").program)
        #expect(
            program == [
                "|", "2", "&", "2", "eq", "0", "1", "type", "sa", "!", "in", "0", "2", "loc", "b", "2", "n1", "sx",
                "suffix", "0", "@", "s-1",
            ])
        #expect(Self.text(try Self.compiled("n != v\"1.9\"").program) == ["veq", "1", "1", "n", "1.9"])
        #expect(Self.text(try Self.compiled("n < null").program) == ["F"])
        #expect(Self.text(try Self.compiled("s matches \"x\"").program) == ["U"])
    }

    /// A value that would end a Lua long string and run code is one ARGV token, never script text.
    @Test func valuesNeverReachTheScriptText() throws {
        let hostile = "\"]] os.exit() --"
        let filter = try Filter.parse(
            #"note == "\"]] os.exit() --" or ["]] os.exit() --"] != 'x' or k contains "]==]""#)
        let program = Self.text(LuaFilter(filter).program)
        #expect(program.contains("s" + hostile))
        #expect(program.contains("]] os.exit() --"))
        #expect(program.contains("s]==]"))
        #expect(!RedisScripts.scan.contains("os.exit"))
        #expect(!RedisScripts.scan.contains("loadstring") && !RedisScripts.scan.contains("load("))
    }

    @Test func needlesComeFromRequiredPlainTexts() throws {
        let needles = { (source: String) throws -> [String] in Self.text(try Self.compiled(source).needles) }
        #expect(try needles("type == \"actuator\" and (floor == 2 and loc.b == \"HQ\")") == ["\"actuator\"", "\"HQ\""])
        #expect(try needles("type == \"a\" or floor == 2").isEmpty)
        #expect(try needles("type != \"a\"").isEmpty)
        #expect(try needles("@id == \"dev-1\"").isEmpty)
        // Escaped when stored, so its stored text differs.
        #expect(try needles("note == \"a\\\"b\" and kind == \"tab\\there\"").isEmpty)
        #expect(try needles("kind == \"Ünï\"") == ["\"Ünï\""])
    }
}
