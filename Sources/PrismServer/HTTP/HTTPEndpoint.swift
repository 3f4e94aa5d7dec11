import NIOCore
import NIOHTTP1
import NIOPosix

/// A minimal HTTP/1.1 server on SwiftNIO's async channels for the operational endpoints. Each
/// connection serves requests one after another; the responder maps a method and path to a response.
final class HTTPEndpoint: Sendable {
    struct Response: Sendable {
        var status: HTTPResponseStatus
        var contentType: String
        var body: [UInt8]

        static func text(_ status: HTTPResponseStatus, _ text: String) -> Response {
            Response(status: status, contentType: "text/plain; charset=utf-8", body: Array(text.utf8))
        }
    }

    typealias Responder = @Sendable (_ method: HTTPMethod, _ path: String) async -> Response
    private typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    private let serverChannel: NIOAsyncChannel<Connection, Never>

    private init(serverChannel: NIOAsyncChannel<Connection, Never>) { self.serverChannel = serverChannel }

    /// Binds now, so that a taken port is a start-up error rather than a later surprise.
    static func bind(host: String, port: Int) async throws -> HTTPEndpoint {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
        return HTTPEndpoint(serverChannel: channel)
    }

    var localAddress: SocketAddress? { serverChannel.channel.localAddress }

    /// Serves until the task is cancelled or ``close()``; then ends the open connections too, since
    /// a scraper keeps its connection between scrapes and would otherwise hold shutdown up.
    func serve(_ responder: @escaping Responder) async throws {
        try await withThrowingDiscardingTaskGroup { group in
            try await serverChannel.executeThenClose { connections in
                for try await connection in connections {
                    group.addTask { await Self.handle(connection, responder) }
                }
            }
            group.cancelAll()
        }
    }

    func close() {
        serverChannel.channel.close(promise: nil)
    }

    private static func handle(_ connection: Connection, _ responder: Responder) async {
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            for try await part in inbound {
                switch part {
                case .head(let requestHead): head = requestHead
                case .body: continue
                case .end:
                    guard let request = head else { continue }
                    let path = String(request.uri.split(separator: "?", maxSplits: 1).first ?? "")
                    let response = await responder(request.method, path)
                    var headers = HTTPHeaders()
                    headers.add(name: "Content-Type", value: response.contentType)
                    headers.add(name: "Content-Length", value: "\(response.body.count)")
                    if !request.isKeepAlive { headers.add(name: "Connection", value: "close") }
                    try await outbound.write(
                        .head(HTTPResponseHead(version: request.version, status: response.status, headers: headers)))
                    try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: response.body))))
                    try await outbound.write(.end(nil))
                    if !request.isKeepAlive { return }
                    head = nil
                }
            }
        }
    }
}
