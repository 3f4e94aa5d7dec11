import Testing

@testable import PrismFilter

@Suite("Linear-time regex")
struct RegexTests {
    @Test(
        "matches like a conventional engine on the supported subset",
        arguments: [
            ("abc", "xxabcxx", true), ("^abc", "xabc", false), ("abc$", "abcx", false), ("^$", "", true),
            ("a.c", "a\nc", false), ("a.c", "abc", true), ("[a-c]+x", "zzbcax", true), ("[^0-9]", "123", false),
            (#"\d{3}-\d{2}"#, "tel 555-12", true), (#"\w+@\w+\.com"#, "me@host.com", true), (#"\s"#, "a b", true),
            (#"\D\W\S"#, "a!b", true), ("colou?r", "color", true), ("(ab)+c", "ababc", true),
            ("(?:ab|cd){2}", "abcd", true), ("x{2,3}y", "xy", false), ("x{2,}y", "xxxxy", true),
            ("a|b|c", "zzc", true), (#"\.\*\(\)"#, ".*()", true), ("(?i)HELLO", "hello", true),
            ("(?i)[a-c]", "B", true), ("a*?b", "aab", true), ("é+", "ééé", true), ("{", "{", true),
            ("a{,2}", "a{,2}", true),
        ])
    func matching(pattern: String, input: String, expected: Bool) throws {
        #expect(try LinearRegex(pattern).matches(input) == expected)
    }

    @Test(
        "anything outside the subset is a compile error",
        arguments: [
            "(a", "a)", "*a", "a**", #"(\1)"#, "(?=a)", "(?!a)", "(?<a>x)", "[]", "[a", #"\b"#, "x{3,1}",
            "a{1001}", "[z-a]", "a(?i)b", #"\"#, "[[:alpha:]]", "^*",
        ])
    func refused(pattern: String) {
        #expect(throws: FilterError.self) { try LinearRegex(pattern) }
    }

    @Test("patterns that make backtracking engines explode finish in one linear pass")
    func pathological() throws {
        let input = String(repeating: "a", count: 50_000) + "!"
        // A backtracking engine needs about 2^50000 steps for these; the NFA simulation does ~50,000 × |program|.
        #expect(try LinearRegex("^(a+)+$").matches(input) == false)
        #expect(try LinearRegex("(a|a)*b").matches(input) == false)
        #expect(try LinearRegex("(a*)*!$").matches(input) == true)
    }

    @Test("expanded programs are bounded")
    func programSize() {
        #expect(throws: FilterError.self) { try LinearRegex("((a{1000}){1000}){1000}") }
    }
}
