/// A dotted version such as `1.10.2`, compared component by component as integers.
///
/// Accepted: 1 to 8 components of 1 to 9 decimal digits separated by dots, optionally preceded by `v`.
/// Missing components count as zero, so `1.10` equals `1.10.0`. Anything else (pre-release suffixes
/// like `1.2.3-rc1`, empty strings) is not a version: comparisons against it are false.
public struct DottedVersion: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The text as written, kept so that canonical printing reproduces it.
    public let text: String
    /// The numeric components with trailing zeros removed.
    let components: [UInt32]

    /// Parses `text`, or returns `nil` when it is not a dotted version.
    public init?(_ text: String) {
        var components: [UInt32] = []
        var current: UInt32 = 0
        var digits = 0
        var utf8 = Substring(text).utf8
        if utf8.first == UInt8(ascii: "v") { utf8 = utf8.dropFirst() }
        if utf8.isEmpty { return nil }
        for byte in utf8 {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, components.count < 7 else { return nil }
                components.append(current)
                current = 0
                digits = 0
            } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                guard digits < 9 else { return nil }
                current = current * 10 + UInt32(byte - UInt8(ascii: "0"))
                digits += 1
            } else {
                return nil
            }
        }
        guard digits > 0 else { return nil }
        components.append(current)
        while components.count > 1, components.last == 0 { components.removeLast() }
        self.text = text
        self.components = components
    }

    public var description: String { text }

    public static func == (lhs: DottedVersion, rhs: DottedVersion) -> Bool { lhs.components == rhs.components }

    public func hash(into hasher: inout Hasher) { hasher.combine(components) }

    public static func < (lhs: DottedVersion, rhs: DottedVersion) -> Bool {
        lhs.components.lexicographicallyPrecedes(rhs.components)
    }
}
