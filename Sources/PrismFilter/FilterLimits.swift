/// Bounds on what a filter may cost, checked while parsing and before any expensive work.
///
/// A registry evaluates filters written by its clients; these limits make sure no filter can make
/// the server do unbounded work. Namespaces may configure their own.
/// ```
/// var limits = FilterLimits.default
/// limits.maxPredicates = 16
/// let filter = try Filter(parsing: text, limits: limits)
/// ```
public struct FilterLimits: Hashable, Sendable {
    /// The deepest nesting the parser ever accepts, whatever is configured. Parsing, printing and
    /// evaluating recurse once per level; Swift tasks on Linux run on 512 KiB stacks, and a debug build
    /// spends about 4 KiB of stack per level (a release build about 1 KiB), so 64 levels stay well
    /// inside any thread's stack. `StackSafetyTests` checks it.
    public static let hardMaxDepth = 64

    /// Maximum size of a text filter in UTF-8 bytes.
    public var maxTextBytes: Int
    /// Maximum size of a map-form (JSON) filter in UTF-8 bytes.
    public var maxMapBytes: Int
    /// Maximum nesting: each `(`, `not` and `$and`/`$or`/`$not` level counts one. Clamped to ``hardMaxDepth``.
    public var maxDepth: Int
    /// Maximum number of predicates in one filter.
    public var maxPredicates: Int
    /// Maximum number of items in one `in` list.
    public var maxListItems: Int
    /// Maximum length of a `matches` pattern in characters.
    public var maxRegexLength: Int

    public init(
        maxTextBytes: Int = 4096, maxMapBytes: Int = 16384, maxDepth: Int = 32, maxPredicates: Int = 64,
        maxListItems: Int = 256, maxRegexLength: Int = 256
    ) {
        self.maxTextBytes = maxTextBytes
        self.maxMapBytes = maxMapBytes
        self.maxDepth = maxDepth
        self.maxPredicates = maxPredicates
        self.maxListItems = maxListItems
        self.maxRegexLength = maxRegexLength
    }

    /// The defaults of DESIGN §2: 4 KiB text, 16 KiB map form, depth 32, 64 predicates, 256 list items,
    /// 256-character patterns.
    public static let `default` = FilterLimits()

    var effectiveMaxDepth: Int { min(maxDepth, Self.hardMaxDepth) }
}
