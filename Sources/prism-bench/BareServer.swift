import ArgumentParser
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import PrismAPI
import PrismServer

/// A grpc-swift-2 server whose handlers do nothing: the transport's own ceiling on this machine,
/// measured beside prismd (`make bench-api`) so that the figures separate grpc-swift's share of a
/// call from prismd's.
struct BareServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bare-server",
        abstract: "Serve MulticastRegistry's unary methods with canned replies and no work, until killed.",
        discussion: """
            Answers Register, Heartbeat, Unregister, Get and Enumerate with the bytes of a fixed reply,
            without decoding the request, as ../shared/tools/grpc-ref does in Go. Prints
            'listening HOST:PORT' once ready. --transport prism serves on prismd's own transport
            (the stream-reset guard, no per-call TLS lookup); posix on grpc-swift's stock one.
            """)

    @Option(help: "Address to listen on (port 0 picks a free one).") var listen = "127.0.0.1:0"
    @Option(help: "prism or posix.") var transport = "prism"

    func validate() throws {
        guard HostAndPort(listen) != nil else { throw ValidationError("--listen '\(listen)' is not HOST:PORT") }
        guard ["prism", "posix"].contains(transport) else {
            throw ValidationError("--transport must be prism or posix, not '\(transport)'")
        }
    }

    func run() async throws {
        let address = HostAndPort(listen)!
        if transport == "posix" {
            let transport = HTTP2ServerTransport.Posix(
                address: .ipv4(host: address.host, port: address.port), transportSecurity: .plaintext,
                config: .defaults { $0.http2.maxConcurrentStreams = FrontDoorSettings().maxConcurrentStreams })
            try await serve(GRPCServer(transport: transport, services: [CannedReplies()])) {
                try await transport.listeningAddress.ipv4?.port
            }
        } else {
            let transport = PrismDaemon.transport(ServerConfiguration(listen: address, namespaces: []))
            try await serve(GRPCServer(transport: transport, services: [CannedReplies()])) {
                await transport.listeningAddress?.ipv4?.port
            }
        }
    }

    private func serve<Transport: ServerTransport>(
        _ server: GRPCServer<Transport>, port: @escaping @Sendable () async throws -> Int?
    ) async throws {
        try await withThrowingTaskGroup { group in
            group.addTask { try await server.serve() }
            guard let port = try await port() else { throw BenchError("the bare server did not start") }
            FileHandle.standardOutput.write(Data("listening \(HostAndPort(listen)!.host):\(port)\n".utf8))
            try await group.waitForAll()
        }
    }
}

/// Every unary method of MulticastRegistry answered with the same bytes: an Identity named `bench-1`
/// inside its response message, the reply grpc-ref sends.
private struct CannedReplies: RegistrableRPCService {
    static let reply: [UInt8] = [0x0A, 0x09, 0x0A, 0x07] + Array("bench-1".utf8)

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        for method in ["Register", "Heartbeat", "Unregister", "Get", "Enumerate"] {
            router.registerHandler(
                forMethod: MethodDescriptor(
                    fullyQualifiedService: "prism.registry.v1.MulticastRegistry", method: method, type: .unary),
                deserializer: Ignored(), serializer: Canned()
            ) { request, _ in
                // Read the one request message, as every unary handler does, then answer.
                for try await _ in request.messages {}
                return StreamingServerResponse(single: ServerResponse(message: ()))
            }
        }
    }

    private struct Ignored: MessageDeserializer {
        func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws {}
    }

    private struct Canned: MessageSerializer {
        func serialize<Bytes: GRPCContiguousBytes>(_ message: Void) throws -> Bytes { Bytes(CannedReplies.reply) }
    }
}
