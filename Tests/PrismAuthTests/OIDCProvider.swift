import AsyncHTTPClient
import Foundation
import NIOCore

/// The test OIDC provider (Tests/EndToEndTests/python/oidc_provider.py, joserfc underneath) as a process of
/// the test's own, with its test hooks: mint a token, rotate a key, take the keys offline.
final class OIDCProvider: Sendable {
    struct SetupError: Error, CustomStringConvertible { var description: String }

    let issuer: String
    private let process: Process

    private init(issuer: String, process: Process) {
        self.issuer = issuer
        self.process = process
    }

    /// Starts it on a thread of its own: reading its first line blocks, and blocking one of Swift's few
    /// cooperative threads would stall the tests running beside.
    static func start() async throws -> OIDCProvider {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try startBlocking() }) }
        }
    }

    private static func startBlocking() throws -> OIDCProvider {
        guard let python = ProcessInfo.processInfo.environment["PRISM_TEST_PYTHON"] else {
            throw SetupError(description: "PRISM_TEST_PYTHON is not set: run `make test`, which installs joserfc")
        }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../EndToEndTests/python/oidc_provider.py").standardizedFileURL
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script.path, "--port", "0"]
        let output = Pipe()
        process.standardOutput = output
        // Not the test's own: a child holding the runner's stderr open would keep `swift test` waiting.
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The first line says where it listens; reading it waits for the provider to be ready.
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), let first = byte.first, first != 10 {
            line.append(first)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let url = text.split(separator: " ").last, text.hasPrefix("oidc provider listening") else {
            process.terminate()
            throw SetupError(description: "the OIDC provider did not start: '\(text)'")
        }
        return OIDCProvider(issuer: String(url), process: process)
    }

    func stop() {
        if process.isRunning { process.terminate() }
    }

    deinit { stop() }

    /// A token from `POST /test/token`; `claims` override the defaults (iss, aud "prism", sub, iat, nbf, exp).
    func token(
        alg: String = "RS256", claims: [String: Any] = [:], expiresIn: Int = 300, extra: [String: Any] = [:]
    ) async throws -> String {
        var body: [String: Any] = ["alg": alg, "claims": claims, "expires_in": expiresIn]
        body.merge(extra) { $1 }
        let answer = try await post("/test/token", body)
        guard let token = answer["access_token"] as? String else {
            throw SetupError(description: "no token: \(answer)")
        }
        return token
    }

    /// A new RS256 key; returns its kid.
    func rotate() async throws -> String {
        let answer = try await post("/test/rotate", ["alg": "RS256"])
        return answer["kid"] as? String ?? ""
    }

    func outage(_ down: Bool) async throws { _ = try await post("/test/outage", ["down": down]) }

    /// The key set, as `GET /jwks` serves it.
    var jwks: Data {
        get async throws {
            let response = try await HTTPClient.shared.execute(
                HTTPClientRequest(url: issuer + "/jwks"), timeout: .seconds(10))
            return Data(try await response.body.collect(upTo: 1 << 20).readableBytesView)
        }
    }

    var jwksRequests: Int {
        get async throws { try await get("/test/stats")["jwks_requests"] as? Int ?? -1 }
    }

    private func post(_ path: String, _ body: [String: Any]) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: issuer + path)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        return try await send(request)
    }

    private func get(_ path: String) async throws -> [String: Any] {
        try await send(HTTPClientRequest(url: issuer + path))
    }

    private func send(_ request: HTTPClientRequest) async throws -> [String: Any] {
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        return try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any] ?? [:]
    }
}
