/// A parsed JSON document that remembers where each value and key stood, so the map form can
/// report errors at the offending key.
struct JSONNode: Sendable {
    indirect enum Kind: Sendable {
        case scalar(Value)
        case array([JSONNode])
        /// Members in document order.
        case object([Member])
    }

    struct Member: Sendable {
        var key: String
        var keyLocation: SourceLocation
        var value: JSONNode
    }

    var kind: Kind
    var location: SourceLocation

    /// The plain value, without positions.
    var value: Value {
        switch kind {
        case .scalar(let value): value
        case .array(let items): .array(items.map(\.value))
        case .object(let members):
            .object(JSONObject(members.map { ($0.key, $0.value.value) }))
        }
    }
}
