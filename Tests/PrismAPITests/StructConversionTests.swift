import PrismFilter
import SwiftProtobuf
import Testing

@testable import PrismAPI

@Suite("Struct ↔ JSON metadata")
struct StructConversionTests {
    @Test("metadata survives the round trip, integers included")
    func roundTrip() throws {
        let metadata = try Value(
            json: #"{"floor":1,"battery":0.25,"ok":true,"none":null,"tags":["a",2],"loc":{"b":"HQ"},"neg":-3}"#)
        guard case .object(let object) = metadata else { Issue.record("not an object"); return }
        let back = JSONObject(protobuf: object.protobufStruct)
        #expect(back == object)
        #expect(back["floor"] == .int(1), "an integral number comes back as an integer")
        #expect(Value.object(back).jsonText == Value.object(object).jsonText)
    }

    @Test("numbers a double cannot hold as integers stay doubles")
    func largeNumbers() {
        var value = Google_Protobuf_Value()
        value.kind = .numberValue(1e300)
        #expect(Value(protobuf: value) == .double(1e300))
        value.kind = .numberValue(2.5)
        #expect(Value(protobuf: value) == .double(2.5))
        value.kind = .numberValue(9_007_199_254_740_992)
        #expect(Value(protobuf: value) == .int(9_007_199_254_740_992))
        #expect(Value(protobuf: Google_Protobuf_Value()) == .null)
    }

    @Test("the generated API types carry RFC-017's field names")
    func generatedTypes() {
        var request = Prism_Registry_V1_MulticastRequest()
        request.filter = #"type == "sensor""#
        request.delivery = .ack
        request.maxTargets = 10
        var response = Prism_Registry_V1_MulticastResponse()
        response.targetCount = 1
        response.deliveredCount = 1
        var status = Prism_Registry_V1_DeliveryStatus()
        status.identity = "sensor-1"
        status.status = .delivered
        response.statuses = [status]
        #expect(response.statuses.first?.identity == "sensor-1")
        #expect(
            Prism_Registry_V1_MulticastRegistry.descriptor.fullyQualifiedService
                == "prism.registry.v1.MulticastRegistry")
    }
}
