/// Exact ordering between JSON numbers of either kind.
///
/// Converting an `Int64` to `Double` rounds above 2^53, so `9007199254740993 == 9007199254740992.0`
/// would wrongly hold; comparing in the integer domain whenever the double is integral avoids that.
enum NumberOrder {
    enum Ordering { case less, equal, greater, unordered }

    static func compare(_ a: Int64, _ b: Double) -> Ordering {
        if b.isNaN { return .unordered }
        // 2^63 is exactly representable; every double at or beyond it exceeds every Int64.
        if b >= 9_223_372_036_854_775_808.0 { return .less }
        if b < -9_223_372_036_854_775_808.0 { return .greater }
        let truncated = Int64(b.rounded(.towardZero))
        if a < truncated { return .less }
        if a > truncated { return .greater }
        let fraction = b - b.rounded(.towardZero)
        if fraction > 0 { return .less }
        if fraction < 0 { return .greater }
        return .equal
    }

    static func compare(_ a: Double, _ b: Double) -> Ordering {
        if a < b { return .less }
        if a > b { return .greater }
        if a == b { return .equal }
        return .unordered
    }

    static func compare(_ a: Int64, _ b: Int64) -> Ordering {
        a < b ? .less : (a > b ? .greater : .equal)
    }

    /// Orders two number values; `nil` when either is not a number.

    static func compare(_ lhs: Value, _ rhs: Value) -> Ordering? {
        switch (lhs, rhs) {
        case (.int(let a), .int(let b)): return compare(a, b)
        case (.double(let a), .double(let b)): return compare(a, b)
        case (.int(let a), .double(let b)): return compare(a, b)
        case (.double(let a), .int(let b)):
            switch compare(b, a) {
            case .less: return .greater
            case .greater: return .less
            case let other: return other
            }
        default: return nil
        }
    }
}
