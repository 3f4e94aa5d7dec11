import PrismFilter
import PrismRegistry

/// Writes an `EnumerateResponse` straight from the registry's page in protobuf's wire format (the
/// encoding of proto/prism/registry/v1/registry.proto and google/protobuf/struct.proto).
///
/// A page of 100 identities carries 100 `google.protobuf.Struct`s. Through SwiftProtobuf each one is
/// built as a dictionary of `Value` messages, then measured and written by generic visitors: most of
/// an Enumerate call's time went there (profiled under h2load). Written directly, metadata costs a
/// walk over the JSON with byte appends. The output decodes to exactly the message the generated code
/// would have built (tested), so clients see no difference.
struct EnumerateResponseEncoder {
    private(set) var bytes: [UInt8] = []

    /// Field numbers and wire types, as `(number << 3) | type`.
    private enum Tag {
        static let responseIdentity: UInt8 = 0x0A  // EnumerateResponse.identities = 1, length-delimited
        static let responseTotal: UInt8 = 0x10  // EnumerateResponse.total_count = 2, varint
        static let responseCursor: UInt8 = 0x1A  // EnumerateResponse.next_cursor = 3, length-delimited
        static let identityName: UInt8 = 0x0A  // Identity.identity = 1
        static let identityMetadata: UInt8 = 0x12  // Identity.metadata = 2
        static let identityRegisteredAt: UInt8 = 0x1A  // Identity.registered_at = 3
        static let identityUpdatedAt: UInt8 = 0x22  // Identity.updated_at = 4
        static let identityExpiresAt: UInt8 = 0x2A  // Identity.expires_at = 5
        static let timestampSeconds: UInt8 = 0x08  // Timestamp.seconds = 1, varint
        static let timestampNanos: UInt8 = 0x10  // Timestamp.nanos = 2, varint
        static let structField: UInt8 = 0x0A  // Struct.fields = 1 (map entries)
        static let entryKey: UInt8 = 0x0A  // map entry key = 1
        static let entryValue: UInt8 = 0x12  // map entry value = 2
        static let valueNull: UInt8 = 0x08  // Value.null_value = 1, varint
        static let valueNumber: UInt8 = 0x11  // Value.number_value = 2, 64-bit
        static let valueString: UInt8 = 0x1A  // Value.string_value = 3
        static let valueBool: UInt8 = 0x20  // Value.bool_value = 4, varint
        static let valueStruct: UInt8 = 0x2A  // Value.struct_value = 5
        static let valueList: UInt8 = 0x32  // Value.list_value = 6
        static let listValues: UInt8 = 0x0A  // ListValue.values = 1
    }

    /// The whole response for `page`.
    static func encode(_ page: EnumerationPage, includeMetadata: Bool) -> [UInt8] {
        var encoder = EnumerateResponseEncoder()
        encoder.bytes.reserveCapacity(64 + page.identities.count * (includeMetadata ? 256 : 64))
        for identity in page.identities {
            encoder.lengthDelimited(Tag.responseIdentity) { $0.identity(identity, includeMetadata: includeMetadata) }
        }
        if page.totalCount != 0 {
            encoder.bytes.append(Tag.responseTotal)
            encoder.varint(UInt64(page.totalCount))
        }
        if let cursor = page.nextCursor?.token, !cursor.isEmpty { encoder.string(Tag.responseCursor, cursor) }
        return encoder.bytes
    }

    private mutating func identity(_ identity: Identity, includeMetadata: Bool) {
        string(Tag.identityName, identity.name)
        if includeMetadata { lengthDelimited(Tag.identityMetadata) { $0.object(identity.metadata) } }
        timestamp(Tag.identityRegisteredAt, identity.registeredAt)
        timestamp(Tag.identityUpdatedAt, identity.updatedAt)
        if let expiresAt = identity.expiresAt { timestamp(Tag.identityExpiresAt, expiresAt) }
    }

    private mutating func timestamp(_ tag: UInt8, _ time: Timestamp) {
        let (seconds, milliseconds) = time.milliseconds.quotientAndRemainder(dividingBy: 1000)
        // Timestamp's nanos are never negative: before 1970, borrow a second.
        let (wholeSeconds, nanos) =
            milliseconds < 0 ? (seconds - 1, (milliseconds + 1000) * 1_000_000) : (seconds, milliseconds * 1_000_000)
        lengthDelimited(tag) { encoder in
            if wholeSeconds != 0 {
                encoder.bytes.append(Tag.timestampSeconds)
                encoder.varint(UInt64(bitPattern: wholeSeconds))
            }
            if nanos != 0 {
                encoder.bytes.append(Tag.timestampNanos)
                encoder.varint(UInt64(nanos))
            }
        }
    }

    private mutating func object(_ object: JSONObject) {
        for (key, value) in zip(object.keys, object.values) {
            lengthDelimited(Tag.structField) { entry in
                entry.string(Tag.entryKey, key)
                entry.lengthDelimited(Tag.entryValue) { $0.value(value) }
            }
        }
    }

    private mutating func value(_ value: Value) {
        switch value {
        case .null:
            bytes.append(Tag.valueNull)
            bytes.append(0)
        case .bool(let flag):
            bytes.append(Tag.valueBool)
            bytes.append(flag ? 1 : 0)
        case .int(let integer):
            number(Double(integer))
        case .double(let double):
            number(double)
        case .string(let text):
            string(Tag.valueString, text)
        case .array(let items):
            lengthDelimited(Tag.valueList) { list in
                for item in items { list.lengthDelimited(Tag.listValues) { $0.value(item) } }
            }
        case .object(let members):
            lengthDelimited(Tag.valueStruct) { $0.object(members) }
        }
    }

    private mutating func number(_ number: Double) {
        bytes.append(Tag.valueNumber)
        withUnsafeBytes(of: number.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    private mutating func string(_ tag: UInt8, _ text: String) {
        bytes.append(tag)
        var text = text
        text.withUTF8 { utf8 in
            varint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// Writes `tag`, then what `body` writes, prefixed by its length. The length's varint is sized
    /// after the fact: one byte is reserved, and the body moves only if it is 128 bytes or longer.
    private mutating func lengthDelimited(_ tag: UInt8, _ body: (inout EnumerateResponseEncoder) -> Void) {
        bytes.append(tag)
        let lengthAt = bytes.count
        bytes.append(0)
        body(&self)
        let length = bytes.count - lengthAt - 1
        if length < 0x80 {
            bytes[lengthAt] = UInt8(length)
        } else {
            var prefix: [UInt8] = []
            var remaining = UInt64(length)
            while remaining >= 0x80 {
                prefix.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
                remaining >>= 7
            }
            prefix.append(UInt8(remaining))
            bytes.replaceSubrange(lengthAt..<lengthAt + 1, with: prefix)
        }
    }

    private mutating func varint(_ value: UInt64) {
        var remaining = value
        while remaining >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        bytes.append(UInt8(remaining))
    }
}
