/// Numbers and durations as prism-top prints them: short, fixed width, readable at a glance.
enum Format {
    /// `12s`, `5m03s`, `2h05m`, `3d04h`.
    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.down))
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m\(pad(total % 60))s" }
        if total < 86_400 { return "\(total / 3600)h\(pad(total % 3600 / 60))m" }
        return "\(total / 86_400)d\(pad(total % 86_400 / 3600))h"
    }

    static func ttl(_ expiresAt: Double?, now: Double) -> String {
        guard let expiresAt else { return "never" }
        let left = expiresAt - now
        return left <= 0 ? "expired" : duration(left.rounded(.up))
    }

    static func age(_ seconds: Double) -> String { duration(max(0, seconds)) }

    static func rate(_ value: Double) -> String {
        if value >= 10_000 { return "\(Int(value / 1000))k" }
        if value >= 100 { return String(Int(value.rounded())) }
        return fixed(value, digits: 1)
    }

    static func milliseconds(_ value: Double) -> String {
        value >= 1000 ? fixed(value / 1000, digits: 2) + "s" : fixed(value, digits: value < 10 ? 1 : 0) + "ms"
    }

    static func percent(_ ratio: Double) -> String { fixed(ratio * 100, digits: 1) + "%" }

    static func fixed(_ value: Double, digits: Int) -> String {
        let scale = digits == 0 ? 1.0 : digits == 1 ? 10.0 : 100.0
        let scaled = Int((value * scale).rounded())
        guard digits > 0 else { return String(scaled) }
        let whole = scaled / Int(scale)
        let fraction = String(abs(scaled) % Int(scale))
        return "\(whole).\(String(repeating: "0", count: digits - fraction.count))\(fraction)"
    }

    /// `HH:MM:SS` in UTC, so output does not depend on the machine's zone.
    static func clock(_ unixSeconds: Double) -> String {
        let seconds = Int(unixSeconds.rounded(.down)) % 86_400
        return "\(pad(seconds / 3600)):\(pad(seconds % 3600 / 60)):\(pad(seconds % 60))"
    }

    private static func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
}
