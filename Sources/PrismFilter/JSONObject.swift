/// A JSON object: string keys to values, kept sorted by key.
///
/// Filters look up a handful of keys in small objects millions of times a second. Hashing a Swift
/// `String` costs tens of nanoseconds (about 45 ns measured here), so instead each key carries a 64-bit
/// tag computed once when it is stored, and a small open-addressing table maps a tag to the key's
/// position: a lookup compares one or two integers and then one string. Objects above
/// ``hashedLimit`` keys are binary-searched by key instead.
public struct JSONObject: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    /// The three parallel arrays live in one immutable object, so copying a `JSONObject` (as every
    /// pass over a registry does) costs one reference-count operation instead of three, and reading
    /// its `let` arrays needs none. Mutations build a new one (they are O(n) anyway).
    private final class Storage: Sendable {
        let keys: [String]
        let values: [Value]
        let tags: [UInt64]
        /// An open-addressing table from a tag's low bits to the key's position (`emptySlot` when free),
        /// twice as large as the key count: a lookup probes one or two slots wherever the key sorts.
        /// Empty for objects above ``JSONObject/hashedLimit`` keys, which are binary-searched.
        let slots: [UInt8]

        init(keys: [String], values: [Value], tags: [UInt64]? = nil) {
            self.keys = keys
            self.values = values
            let tags = tags ?? keys.map(KeyTag.of)
            self.tags = tags
            slots = Self.table(for: tags)
        }

        static func table(for tags: [UInt64]) -> [UInt8] {
            guard tags.count <= JSONObject.hashedLimit else { return [] }
            var size = 8
            while size < tags.count * 2 { size *= 2 }
            var slots = [UInt8](repeating: JSONObject.emptySlot, count: size)
            for (position, tag) in tags.enumerated() {
                var slot = Int(truncatingIfNeeded: tag) & (size - 1)
                while slots[slot] != JSONObject.emptySlot { slot = (slot + 1) & (size - 1) }
                slots[slot] = UInt8(position)
            }
            return slots
        }
    }

    /// Objects up to this many keys get a slot table (positions fit a byte, 255 marks a free slot).
    static let hashedLimit = 127
    static let emptySlot: UInt8 = 255

    private var storage: Storage

    /// The keys in ascending order.
    public var keys: [String] { storage.keys }
    /// The values, in the order of ``keys``.
    public var values: [Value] { storage.values }
    public var count: Int { storage.keys.count }
    public var isEmpty: Bool { storage.keys.isEmpty }

    public init() {
        storage = Storage(keys: [], values: [])
    }

    /// An object with the members of `dictionary`.
    public init(_ dictionary: [String: Value]) {
        let sortedKeys = dictionary.keys.sorted()
        storage = Storage(keys: sortedKeys, values: sortedKeys.map { dictionary[$0]! })
    }

    /// An object from key-value pairs; a repeated key keeps its last value.
    public init(_ members: some Sequence<(String, Value)>) {
        // Sort once (ties by position, so the last of equal keys ends up last) rather than insert one by one.
        let sorted = Array(members).enumerated().sorted { lhs, rhs in
            lhs.element.0 != rhs.element.0 ? lhs.element.0 < rhs.element.0 : lhs.offset < rhs.offset
        }
        var keys: [String] = []
        var values: [Value] = []
        keys.reserveCapacity(sorted.count)
        values.reserveCapacity(sorted.count)
        for (_, (key, value)) in sorted {
            if let last = keys.last, last == key {
                values[values.count - 1] = value
            } else {
                keys.append(key)
                values.append(value)
            }
        }
        storage = Storage(keys: keys, values: values)
    }

    public init(dictionaryLiteral elements: (String, Value)...) {
        self.init(elements)
    }

    /// The value for `key`, or `nil`; setting `nil` removes the key.
    public subscript(key: String) -> Value? {
        get { self[KeyTag(key)] }
        set {
            let index = position(of: key)
            var (keys, values, tags) = (storage.keys, storage.values, storage.tags)
            switch (index.found, newValue) {
            case (true, let value?):
                values[index.at] = value
            case (true, nil):
                keys.remove(at: index.at)
                values.remove(at: index.at)
                tags.remove(at: index.at)
            case (false, let value?):
                keys.insert(key, at: index.at)
                values.insert(value, at: index.at)
                tags.insert(KeyTag.of(key), at: index.at)
            case (false, nil):
                return
            }
            storage = Storage(keys: keys, values: values, tags: tags)
        }
    }

    /// The value for a key whose tag was computed in advance (filters do that once, when compiled).
    subscript(key: KeyTag) -> Value? {
        slot(of: key).map { storage.values[$0] }
    }

    /// Where the value for `key` is stored, for evaluators that test it in place.
    @inline(__always)
    func slot(of key: KeyTag) -> Int? {
        // Reads the storage's arrays in place: copying one into a local would retain and release it.
        let size = storage.slots.count
        if size > 0 {
            var probe = Int(truncatingIfNeeded: key.tag) & (size - 1)
            while true {
                let position = storage.slots[probe]
                if position == Self.emptySlot { return nil }
                if storage.tags[Int(position)] == key.tag && storage.keys[Int(position)] == key.name {
                    return Int(position)
                }
                probe = (probe + 1) & (size - 1)
            }
        }
        let index = position(of: key.name)
        return index.found ? index.at : nil
    }

    /// The value stored at `slot` (from ``slot(of:)``).
    @inline(__always)
    func value(atSlot slot: Int) -> Value { storage.values[slot] }

    /// Where `key` is, or where it would be inserted (binary search).
    private func position(of key: String) -> (found: Bool, at: Int) {
        let keys = storage.keys
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle] < key {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return (low < keys.count && keys[low] == key, low)
    }

    public func makeIterator() -> Zip2Sequence<[String], [Value]>.Iterator {
        zip(storage.keys, storage.values).makeIterator()
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.storage === rhs.storage
            || (lhs.storage.keys == rhs.storage.keys && lhs.storage.values == rhs.storage.values)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.keys)
        hasher.combine(storage.values)
    }
}

/// A key with its 64-bit FNV-1a tag over the UTF-8 bytes, for fast lookups in ``JSONObject``.
struct KeyTag: Sendable {
    let name: String
    let tag: UInt64

    init(_ name: String) {
        self.name = name
        tag = Self.of(name)
    }

    static func of(_ key: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
