extension Duration {
    /// The duration as a person writes it in Prism (`--ttl 1d`, `timeout: 1500ms`), and as the
    /// parser in PrismAPI's `DurationText` reads it back: the largest units first, exact to the
    /// millisecond, `1d`, `1h30m`, `2m15s`, `1500ms`, `0s`. A part under a minute that is not whole
    /// seconds is written in milliseconds, as the parser's own hint suggests (`1500ms`, not `1.5s`).
    ///
    /// ```swift
    /// "ttl \(Duration.seconds(86_400).written) is above the maximum"  // "ttl 1d is above the maximum"
    /// ```
    public var written: String {
        let (seconds, attoseconds) = components
        var milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        if milliseconds == 0 { return "0s" }
        var text = milliseconds < 0 ? "-" : ""
        milliseconds = milliseconds == .min ? .max : abs(milliseconds)
        for (unit, size) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000)] where milliseconds >= size {
            text += "\(milliseconds / size)\(unit)"
            milliseconds %= size
        }
        if milliseconds > 0 { text += milliseconds % 1000 == 0 ? "\(milliseconds / 1000)s" : "\(milliseconds)ms" }
        return text
    }
}
