import PrismFilter
import SwiftProtobuf

/// Metadata crosses the API as `google.protobuf.Struct`, whose numbers are all doubles. Converting
/// back, an integral number within ±2^53 becomes an integer again, so `floor: 1` stays `1` (filters
/// compare numbers numerically either way). Integers beyond 2^53 cannot cross a Struct exactly: send
/// such values as strings.
extension Value {
    /// The value as a protobuf `Value`.
    public var protobufValue: Google_Protobuf_Value {
        var result = Google_Protobuf_Value()
        switch self {
        case .null: result.kind = .nullValue(.nullValue)
        case .bool(let flag): result.kind = .boolValue(flag)
        case .int(let integer): result.kind = .numberValue(Double(integer))
        case .double(let double): result.kind = .numberValue(double)
        case .string(let text): result.kind = .stringValue(text)
        case .array(let items): result.kind = .listValue(Google_Protobuf_ListValue(values: items.map(\.protobufValue)))
        case .object(let members): result.kind = .structValue(members.protobufStruct)
        }
        return result
    }

    /// Largest magnitude at which every integer is exactly representable as a double.
    static let exactIntegerLimit = 9_007_199_254_740_992.0

    /// The JSON value of a protobuf `Value` (an unset kind is null).
    public init(protobuf value: Google_Protobuf_Value) {
        switch value.kind {
        case .nullValue?, nil: self = .null
        case .boolValue(let flag)?: self = .bool(flag)
        case .numberValue(let number)?:
            if number.rounded() == number, abs(number) <= Self.exactIntegerLimit {
                self = .int(Int64(number))
            } else {
                self = .double(number)
            }
        case .stringValue(let text)?: self = .string(text)
        case .listValue(let list)?: self = .array(list.values.map(Value.init(protobuf:)))
        case .structValue(let object)?: self = .object(JSONObject(protobuf: object))
        }
    }
}

extension JSONObject {
    /// The object as a protobuf `Struct`.
    public var protobufStruct: Google_Protobuf_Struct {
        var result = Google_Protobuf_Struct()
        for (key, value) in self { result.fields[key] = value.protobufValue }
        return result
    }

    /// The JSON object of a protobuf `Struct`.
    public init(protobuf object: Google_Protobuf_Struct) {
        self.init(object.fields.mapValues(Value.init(protobuf:)))
    }
}
