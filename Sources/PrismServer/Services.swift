import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import PrismAPI
import ServiceLifecycle
import UnixSignals

/// Runs the namespaces' background work (sweepers, checkpoints); on shutdown, after the servers in
/// front of them stopped, ends it and closes the namespaces.
struct NamespacesService: Service {
    let namespaces: NamespaceDirectory
    let logger: Logger

    func run() async throws {
        await withDiscardingTaskGroup { group in
            for runtime in namespaces.runtimes { group.addTask { await runtime.run() } }
            try? await gracefulShutdown()
            group.cancelAll()
        }
        for runtime in namespaces.runtimes {
            await runtime.stop()
            logger.info("namespace stopped", metadata: ["namespace": "\(runtime.name)"])
        }
    }
}

/// The gRPC server. Shutdown ends the server streams first, since they would otherwise keep it open.
struct GRPCService: Service {
    let server: GRPCServer<GRPCTransport>
    let transport: GRPCTransport
    let listen: HostAndPort
    let streams: StreamTracker
    /// Called with the bound port once the server listens.
    let onListening: @Sendable (Int) -> Void

    init(
        server: GRPCServer<GRPCTransport>, transport: GRPCTransport, listen: HostAndPort, streams: StreamTracker,
        onListening: @escaping @Sendable (Int) -> Void
    ) {
        self.server = server
        self.transport = transport
        self.listen = listen
        self.streams = streams
        self.onListening = onListening
    }

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.serve() }
                // nil once serve() has failed; serve() holds the reason (an address in use, say).
                let address = await transport.listeningAddress
                guard let port = address?.ipv4?.port ?? address?.ipv6?.port else {
                    do {
                        try await group.next()
                    } catch {
                        throw StartupError("cannot listen for gRPC on \(listen): \(error)")
                    }
                    throw StartupError("cannot listen for gRPC on \(listen): the server stopped")
                }
                onListening(port)
                try await group.waitForAll()
            }
        } onGracefulShutdown: {
            streams.closeAll()
            server.beginGracefulShutdown()
        }
    }
}

/// The HTTP endpoints; they stop first on shutdown so that /readyz goes away before the API does.
struct HTTPService: Service {
    let endpoint: HTTPEndpoint
    let endpoints: OperationalEndpoints

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await endpoint.serve { method, path in await endpoints.respond(method, path) }
        } onGracefulShutdown: {
            endpoint.close()
        }
    }
}

/// Reads the TLS certificate and key again on each SIGHUP, for certificates renewed in place
/// (cert-manager, certbot). A failed reload keeps the files in use and says why.
struct TLSReloadService: Service {
    let tls: ServerTLS
    let logger: Logger

    func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            do {
                try tls.reload()
                logger.notice("TLS certificate reloaded", metadata: ["cert": "\(tls.settings.certificateFile)"])
            } catch {
                logger.error("TLS reload failed; the previous certificate stays in use: \(error)")
            }
        }
    }
}
