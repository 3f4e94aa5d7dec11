import Foundation
import PrismAPI
import PrismCommandLine
import PrismDurations
import PrismFilter
import SwiftProtobuf

/// Human output is aligned tables; `-o json`/`jsonl` is the tools' JSON shape (``ToolJSON``).
enum Output {
    /// One JSON document on one line, in the tools' shape (``ToolJSON``).
    static func printJSON(_ value: Value) {
        line(value.jsonText)
    }

    /// Writes a line straight to stdout (see ``StandardOutput``).
    static func line(_ text: String) {
        StandardOutput.line(text)
    }

    /// Columns padded to their widest cell; the last column is not padded.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.indices.map { column in
                column == row.count - 1
                    ? row[column] : row[column].padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// "in 29s", "never", "expired".
    static func expiry(_ identity: Prism_Registry_V1_Identity, now: Date = Date()) -> String {
        guard identity.hasExpiresAt else { return "never" }
        let milliseconds = identity.expiresAt.unixMilliseconds - Int64(now.timeIntervalSince1970 * 1000)
        guard milliseconds > 0 else { return "expired" }
        return "in " + Duration.milliseconds(milliseconds < 1000 ? milliseconds : milliseconds / 1000 * 1000).written
    }

    static func metadata(_ identity: Prism_Registry_V1_Identity) -> String {
        Value.object(identity.metadataObject).jsonText
    }

    static func milliseconds(_ duration: Google_Protobuf_Duration) -> String {
        let milliseconds = Double(duration.seconds) * 1000 + Double(duration.nanos) / 1e6
        return milliseconds < 10 ? String(format: "%.2fms", milliseconds) : String(format: "%.0fms", milliseconds)
    }

    static func timestamp(_ timestamp: Google_Protobuf_Timestamp) -> String {
        Date(timeIntervalSince1970: Double(timestamp.unixMilliseconds) / 1000)
            .formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))
    }
}
