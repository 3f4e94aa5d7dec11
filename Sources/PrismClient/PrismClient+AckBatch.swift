import Foundation
import GRPCCore
import PrismAPI

/// One acknowledgement of a batch: like ``PrismClient/ack(messageID:error:reply:)``'s arguments.
public struct Acknowledgement: Sendable {
    public var messageID: String
    /// Non-nil reports FAILED with this text.
    public var error: String?
    /// At most 4 KiB, reported to the sender.
    public var reply: [UInt8]

    public init(messageID: String, error: String? = nil, reply: [UInt8] = []) {
        self.messageID = messageID
        self.error = error
        self.reply = reply
    }
}

extension PrismClient {
    /// Acknowledges up to 10,000 messages in one call: what a gateway, or a link carrying many devices,
    /// does instead of one call per message. Returns, in order, nil for each ack accepted, else why not
    /// (NOT_FOUND when the sender stopped waiting); throws only when the call as a whole failed.
    public func ack(_ acknowledgements: [Acknowledgement]) async throws(PrismClientError) -> [PrismClientError?] {
        var request = Prism_Registry_V1_AckBatchRequest()
        request.namespace = namespace
        request.acks = acknowledgements.map { acknowledgement in
            var ack = Prism_Registry_V1_AckRequest()
            ack.messageID = acknowledgement.messageID
            ack.error = acknowledgement.error ?? ""
            ack.reply = Data(acknowledgement.reply)
            return ack
        }
        let response = try await call { try await registry.ackBatch(request, options: unaryOptions) }
        guard response.results.count == acknowledgements.count else {
            throw .rejected(
                code: .internalError,
                message: "prismd answered \(response.results.count) results for \(acknowledgements.count) acks")
        }
        return response.results.map { result in
            guard result.code != 0 else { return nil }
            let code = Status.Code(rawValue: Int(result.code)).flatMap(RPCError.Code.init) ?? .unknown
            return .rejected(code: code, message: result.message)
        }
    }
}
