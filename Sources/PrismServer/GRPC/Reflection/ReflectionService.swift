import Foundation
import GRPCCore
import PrismAPI

/// gRPC server reflection, so that grpcurl, evans, Postman and grpcui can list and call the API without
/// its .proto files. v1 is the current version; v1alpha, which most tools still ask first, has the same
/// wire format, so it is served by converting through the bytes.
struct ReflectionService: Grpc_Reflection_V1_ServerReflection.SimpleServiceProtocol {
    let answers: ReflectionAnswers
    let streams: StreamTracker

    func serverReflectionInfo(
        request: RPCAsyncSequence<Grpc_Reflection_V1_ServerReflectionRequest, any Error>,
        response: RPCWriter<Grpc_Reflection_V1_ServerReflectionResponse>, context: ServerContext
    ) async throws {
        try await streams.run {
            var sent: Set<String> = []
            for try await question in request {
                try await response.write(answers.answer(question, sentBefore: &sent))
            }
        }
    }
}

struct ReflectionServiceV1Alpha: Grpc_Reflection_V1alpha_ServerReflection.SimpleServiceProtocol {
    let answers: ReflectionAnswers
    let streams: StreamTracker

    func serverReflectionInfo(
        request: RPCAsyncSequence<Grpc_Reflection_V1alpha_ServerReflectionRequest, any Error>,
        response: RPCWriter<Grpc_Reflection_V1alpha_ServerReflectionResponse>, context: ServerContext
    ) async throws {
        try await streams.run {
            var sent: Set<String> = []
            for try await question in request {
                let answer = answers.answer(
                    try Grpc_Reflection_V1_ServerReflectionRequest(
                        serializedBytes: question.serializedBytes() as [UInt8]),
                    sentBefore: &sent)
                try await response.write(
                    Grpc_Reflection_V1alpha_ServerReflectionResponse(
                        serializedBytes: answer.serializedBytes() as [UInt8]))
            }
        }
    }
}

/// One answer per reflection request. Errors go in the response, not the call, as the protocol asks:
/// NOT_FOUND for a file or symbol this prismd does not have.
struct ReflectionAnswers: Sendable {
    let index: DescriptorIndex
    /// The services this prismd serves, in the order they are listed.
    let services: [String]

    typealias Request = Grpc_Reflection_V1_ServerReflectionRequest
    typealias Response = Grpc_Reflection_V1_ServerReflectionResponse

    /// `sent` holds the files this stream has sent already; an answer sends a file's imports only once.
    func answer(_ request: Request, sentBefore sent: inout Set<String>) -> Response {
        var response = Response()
        response.validHost = request.host
        response.originalRequest = request
        switch request.messageRequest {
        case .listServices:
            response.listServicesResponse.service = services.map { name in .with { $0.name = name } }
        case .fileByFilename(let name):
            response.messageResponse = files(index.fileWithImports(name, leavingOut: &sent), "no file '\(name)'")
        case .fileContainingSymbol(let symbol):
            let files = index.fileBySymbol[symbol].flatMap { index.fileWithImports($0, leavingOut: &sent) }
            response.messageResponse = self.files(files, "no symbol '\(symbol)'")
        case .fileContainingExtension(let wanted):
            let file = index.extensions[wanted.containingType]?[wanted.extensionNumber]
            response.messageResponse = files(
                file.flatMap { index.fileWithImports($0, leavingOut: &sent) },
                "no extension \(wanted.extensionNumber) of '\(wanted.containingType)'")
        case .allExtensionNumbersOfType(let type):
            guard index.fileBySymbol[type] != nil else {
                response.messageResponse = notFound("no message type '\(type)'")
                break
            }
            response.allExtensionNumbersResponse.baseTypeName = type
            response.allExtensionNumbersResponse.extensionNumber = index.extensions[type, default: [:]].keys.sorted()
        case nil:
            response.errorResponse = .with {
                $0.errorCode = Int32(RPCError.Code.invalidArgument.rawValue)
                $0.errorMessage = "the request asks nothing: set one of its message_request fields"
            }
        }
        return response
    }

    private func files(_ files: [Data]?, _ missing: String) -> Response.OneOf_MessageResponse {
        guard let files else { return notFound(missing) }
        return .fileDescriptorResponse(.with { $0.fileDescriptorProto = files })
    }

    private func notFound(_ message: String) -> Response.OneOf_MessageResponse {
        .errorResponse(
            .with {
                $0.errorCode = Int32(RPCError.Code.notFound.rawValue)
                $0.errorMessage = message
            })
    }
}
