import GRPCCore
import GRPCProtobuf
import PrismAPI

/// Serves `MulticastRegistry/Enumerate` with responses written by ``EnumerateResponseEncoder``
/// instead of through SwiftProtobuf's message model. Registered after ``MulticastRegistryService``,
/// whose generated registration it replaces for this one method (a router keeps the last handler
/// registered for a method); requests, errors, metrics and logs are the same.
struct FastEnumerate: RegistrableRPCService {
    let service: MulticastRegistryService

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        let service = self.service
        router.registerHandler(
            forMethod: Prism_Registry_V1_MulticastRegistry.Method.Enumerate.descriptor,
            deserializer: ProtobufDeserializer<Prism_Registry_V1_EnumerateRequest>(),
            serializer: EncodedBytes()
        ) { request, context in
            let message = try await ServerRequest(stream: request).message
            let (page, includeMetadata) = try await service.enumeratePage(message, context: context)
            let bytes = EnumerateResponseEncoder.encode(page, includeMetadata: includeMetadata)
            return StreamingServerResponse(single: ServerResponse(message: bytes))
        }
    }

    /// The response is already in wire format.
    private struct EncodedBytes: MessageSerializer {
        func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes { Bytes(message) }
    }
}
