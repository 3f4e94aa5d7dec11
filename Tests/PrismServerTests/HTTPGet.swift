import Foundation

/// An HTTP/1.1 GET over a plain socket: enough to check prismd's endpoints in tests without pulling
/// an HTTP client library in. The socket calls block, so they run on a dispatch queue, not on one of
/// the few threads Swift concurrency runs the tests on.
enum HTTPGet {
    struct Failure: Error, CustomStringConvertible { var description: String }

    static func fetch(host: String, port: Int, path: String) async throws -> (status: Int, body: String) {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try blockingFetch(host: host, port: port, path: path) })
            }
        }
    }

    private static func blockingFetch(host: String, port: Int, path: String) throws -> (status: Int, body: String) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket() failed") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw Failure(description: "cannot connect to \(host):\(port)") }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            response += buffer[0..<count]
        }
        let text = String(decoding: response, as: UTF8.self)
        guard let headerEnd = text.range(of: "\r\n\r\n"),
            let status = Int(text.split(separator: " ", maxSplits: 2).dropFirst().first ?? "")
        else { throw Failure(description: "malformed response: \(text.prefix(200))") }
        return (status, String(text[headerEnd.upperBound...]))
    }
}
