import PrismAPI
import PrismFilter
import SwiftProtobuf

/// The requests that unary calls and Session streams both send, built in one place.
extension Prism_Registry_V1_RegisterRequest {
    init(namespace: String, identity: String, metadata: JSONObject, ttl: Duration?, replace: Bool) {
        self.init()
        self.namespace = namespace
        self.identity = identity
        self.metadata = metadata.protobufStruct
        if let ttl { self.ttl = Google_Protobuf_Duration(duration: ttl) }
        self.replace = replace
    }
}

extension Prism_Registry_V1_HeartbeatRequest {
    init(namespace: String, identity: String, ttl: Duration?, metadataPatch: JSONObject?) {
        self.init()
        self.namespace = namespace
        self.identity = identity
        if let ttl { self.ttl = Google_Protobuf_Duration(duration: ttl) }
        if let metadataPatch { self.metadataPatch = metadataPatch.protobufStruct }
    }
}
