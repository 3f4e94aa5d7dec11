/// The NATS headers a Prism message carries, so that a device speaking NATS directly knows what it got.
///
/// A receiver acks by replying to the message's reply subject: an empty reply means done, a reply with
/// ``ackError`` means it could not act on the message (the sender counts it FAILED with that text).
public enum NATSHeaders {
    public static let messageID = "Prism-Message-Id"
    public static let multicastID = "Prism-Multicast-Id"
    public static let namespace = "Prism-Namespace"
    public static let contentType = "Content-Type"
    /// Unix milliseconds after which the sender stops waiting for the ack.
    public static let ackDeadline = "Prism-Ack-Deadline"
    public static let ackError = "Prism-Ack-Error"
}
