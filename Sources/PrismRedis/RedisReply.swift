import CHiredis

/// A RESP2 reply, copied out of hiredis' reply object so that it can be freed straight away.
public enum RedisReply: Sendable, Equatable {
    case status(String)
    /// A command-level error (`WRONGTYPE ...`, a Lua error): the connection is still fine.
    case error(String)
    case integer(Int64)
    case bulk([UInt8])
    case array([RedisReply])
    case null

    init(_ reply: UnsafePointer<redisReply>) {
        let value = reply.pointee
        switch value.type {
        case REDIS_REPLY_STATUS: self = .status(Self.text(value))
        case REDIS_REPLY_ERROR: self = .error(Self.text(value))
        case REDIS_REPLY_INTEGER: self = .integer(Int64(value.integer))
        case REDIS_REPLY_STRING: self = .bulk(Self.bytes(value))
        case REDIS_REPLY_ARRAY:
            self = .array(
                (0..<value.elements).map { index in
                    value.element[index].map { RedisReply(UnsafePointer($0)) } ?? .null
                })
        default: self = .null
        }
    }

    private static func bytes(_ reply: redisReply) -> [UInt8] {
        guard let start = reply.str else { return [] }
        return Array(UnsafeRawBufferPointer(start: start, count: reply.len))
    }

    private static func text(_ reply: redisReply) -> String { String(decoding: bytes(reply), as: UTF8.self) }

    /// The bulk string as text, or nil for other replies.
    public var string: String? {
        if case .bulk(let bytes) = self { return String(decoding: bytes, as: UTF8.self) }
        if case .status(let text) = self { return text }
        return nil
    }
}
