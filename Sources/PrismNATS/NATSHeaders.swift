/// The NATS headers a Prism message carries, so that a device speaking NATS directly knows what it got.
///
/// A receiver acks by replying to the message's reply subject: an empty reply means done, a reply with
/// ``ackError`` means it could not act on the message (the sender counts it FAILED with that text).
public enum NATSHeaders {
    public static let messageID = "Prism-Message-Id"
    public static let multicastID = "Prism-Multicast-Id"
    public static let namespace = "Prism-Namespace"
    public static let contentType = "Content-Type"
    /// Milliseconds the sender waits for the ack. A duration, not a time of day, so the receiver's
    /// clock need not agree with the sender's.
    public static let ackTimeout = "Prism-Ack-Timeout"
    public static let ackError = "Prism-Ack-Error"

    /// A header value libnats can carry: its parser skips leading blanks (so a blank value is lost)
    /// and a line break would end the header; both become spaces or `fallback`.
    static func value(_ text: String, fallback: String) -> String {
        let flattened = String(
            String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
        let trimmed = flattened.drop { $0 == " " }
        return trimmed.isEmpty ? fallback : String(trimmed)
    }
}
