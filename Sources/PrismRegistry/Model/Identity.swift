import PrismFilter

/// A registered identity: a device, service, user or agent, with its metadata and TTL.
public struct Identity: Sendable, Hashable {
    /// 1–256 characters of `A-Z a-z 0-9 . _ : -` (see ``IdentityName``).
    public var name: String
    /// A JSON object, at most ``IdentityName/maxMetadataBytes`` when encoded.
    public var metadata: JSONObject
    public var registeredAt: Timestamp
    public var updatedAt: Timestamp
    /// When the identity stops being visible; `nil` for no expiry.
    public var expiresAt: Timestamp?

    public init(
        name: String, metadata: JSONObject, registeredAt: Timestamp, updatedAt: Timestamp, expiresAt: Timestamp?
    ) {
        self.name = name
        self.metadata = metadata
        self.registeredAt = registeredAt
        self.updatedAt = updatedAt
        self.expiresAt = expiresAt
    }

    /// Whether the identity has expired at `now`: it is invisible from the instant its TTL runs out.
    public func isExpired(at now: Timestamp) -> Bool {
        guard let expiresAt else { return false }
        return now >= expiresAt
    }

    /// The identity after a heartbeat at `now`, as every registry slot stores it: the new expiry, and
    /// the metadata patch merged (RFC 7386) and checked against the metadata limits.
    /// The TTL the identity was registered or last renewed with (`nil`: it never expires). Every
    /// registration and renewal sets `updatedAt` and `expiresAt` together, so their distance is it.
    public var ownTTL: Duration? {
        expiresAt.map { $0.duration(since: updatedAt) }
    }

    public func renewed(_ renewal: Renewal, metadataPatch: JSONObject?, at now: Timestamp) throws(RegistryError)
        -> Identity
    {
        var renewed = self
        switch renewal {
        case .ownTTL: renewed.expiresAt = ownTTL.map { now.adding($0) }
        case .expiresAt(let expiresAt): renewed.expiresAt = expiresAt
        }
        renewed.updatedAt = now
        if let metadataPatch {
            let merged = metadata.merging(patch: metadataPatch)
            try IdentityName.validate(metadata: merged)
            renewed.metadata = merged
        }
        return renewed
    }
}

/// How a heartbeat sets an identity's next expiry.
public enum Renewal: Sendable, Hashable {
    /// By the identity's own TTL (``Identity/ownTTL``), as Consul checks and etcd leases keep theirs:
    /// a 2-minute identity stays a 2-minute identity, and one without expiry stays without.
    case ownTTL
    /// At this instant (`nil`: never), for a heartbeat that names a TTL.
    case expiresAt(Timestamp?)
}

/// The rules for identity names and metadata (DESIGN §3).
public enum IdentityName {
    public static let maxLength = 256
    public static let maxMetadataBytes = 64 * 1024

    /// Checks a name: 1–256 of `A-Z a-z 0-9 . _ : -`, so it is safe as a NATS subject token and a Redis key.
    public static func validate(_ name: String) throws(RegistryError) {
        let bytes = name.utf8
        guard !bytes.isEmpty else { throw RegistryError(.invalidArgument, "identity name is empty") }
        guard bytes.count <= maxLength else {
            throw RegistryError(
                .invalidArgument, "identity name is \(bytes.count) characters long; the limit is \(maxLength)")
        }
        for (offset, byte) in bytes.enumerated() where !isAllowed(byte) {
            let shown = byte < 0x80 ? "'\(Character(Unicode.Scalar(byte)))'" : "a non-ASCII character"
            throw RegistryError(
                .invalidArgument,
                "identity name '\(name)' has \(shown) at position \(offset + 1); "
                    + "names use only A-Z a-z 0-9 . _ : -")
        }
    }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"),
            UInt8(ascii: "-"):
            true
        default: false
        }
    }

    /// Checks the metadata's encoded size, and that every number is finite (JSON has no NaN or infinity).
    public static func validate(metadata: JSONObject) throws(RegistryError) {
        // Both checks run on every write with metadata, heartbeats with a patch included: the path is
        // spelled only for a number that is not finite, and the JSON encoded only when the bound is over.
        if let path = nonFinitePath(in: .object(metadata)) {
            let name = path.isEmpty ? "value" : String(path.drop { $0 == "." })
            throw RegistryError(
                .invalidArgument, "metadata \(name) is not a finite number; JSON has no NaN or infinity")
        }
        guard Value.object(metadata).jsonSizeBound > maxMetadataBytes else { return }
        let size = Value.object(metadata).jsonText.utf8.count
        guard size <= maxMetadataBytes else {
            throw RegistryError(
                .invalidArgument, "metadata is \(size) bytes encoded; the limit is \(maxMetadataBytes) (64 KiB)")
        }
    }

    /// The path to the first number that is not finite (`.a.b[2]`, "" for `value` itself), built only
    /// on the way back from one.
    private static func nonFinitePath(in value: Value) -> String? {
        switch value {
        case .double(let number) where !number.isFinite: return ""
        case .array(let items):
            for (index, item) in items.enumerated() {
                if let rest = nonFinitePath(in: item) { return "[\(index)]" + rest }
            }
        case .object(let members):
            for (key, member) in members {
                if let rest = nonFinitePath(in: member) { return "." + key + rest }
            }
        default: break
        }
        return nil
    }
}
