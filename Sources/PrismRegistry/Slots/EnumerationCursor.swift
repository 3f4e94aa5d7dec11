import PrismFilter

/// A keyset position in an enumeration: the sort value and name of the last identity returned.
///
/// Keyset (not offset) pagination returns every identity that exists throughout a pagination exactly
/// once, however many are added or removed between pages. The token is opaque to clients.
public struct EnumerationCursor: Sendable, Hashable {
    /// The sort field's value of the last identity (absent when sorting by name or when it had none).
    public var sortValue: Value?
    public var name: String

    public init(sortValue: Value?, name: String) {
        self.sortValue = sortValue
        self.name = name
    }

    /// An opaque, URL-safe token.
    public var token: String {
        let json: Value = .array([.string(name), sortValue.map { .array([$0]) } ?? .array([])])
        return Base64URL.encode(Array(json.jsonText.utf8))
    }

    /// Reads a token made by ``token``.
    /// - Throws: ``RegistryError/Code/invalidArgument`` for anything else.
    public init(token: String) throws(RegistryError) {
        guard let bytes = Base64URL.decode(token), let text = String(validating: bytes, as: UTF8.self),
            case .array(let parts)? = try? Value(json: text), parts.count == 2,
            case .string(let name) = parts[0], case .array(let sort) = parts[1], sort.count <= 1
        else {
            throw RegistryError(.invalidArgument, "invalid cursor '\(token)': pass back a next_cursor unchanged")
        }
        self.name = name
        self.sortValue = sort.first
    }

    /// Where an identity with this sort value and name falls relative to the cursor, in `order`:
    /// true when it comes strictly after.
    public func precedes(sortValue other: Value?, name otherName: String, in order: EnumerationOrder) -> Bool {
        var comparison = order.path == nil ? 0 : Value.sortOrder(sortValue, other)
        if comparison == 0 { comparison = name < otherName ? -1 : (name == otherName ? 0 : 1) }
        return order.descending ? comparison > 0 : comparison < 0
    }
}

/// Base64 with the URL-safe alphabet and no padding.
enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var value: UInt32 = 0
            for byte in chunk { value = value << 8 | UInt32(byte) }
            value <<= UInt32(8 * (3 - chunk.count))
            for position in 0..<(chunk.count + 1) {
                output.append(alphabet[Int((value >> UInt32(18 - 6 * position)) & 63)])
            }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        var values: [UInt8] = []
        for byte in text.utf8 {
            guard let index = alphabet.firstIndex(of: byte) else { return nil }
            values.append(UInt8(index))
        }
        guard values.count % 4 != 1 else { return nil }
        var output: [UInt8] = []
        var index = 0
        while index < values.count {
            let chunk = values[index..<min(index + 4, values.count)]
            var value: UInt32 = 0
            for sextet in chunk { value = value << 6 | UInt32(sextet) }
            value <<= UInt32(6 * (4 - chunk.count))
            for position in 0..<(chunk.count - 1) { output.append(UInt8((value >> UInt32(16 - 8 * position)) & 0xFF)) }
            index += 4
        }
        return output
    }
}
