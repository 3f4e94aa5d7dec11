import Logging

/// Log level names as `--log-level` and `log_level:` accept them.
public enum LogLevelName {
    public static let all = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")

    public static func parse(_ text: String) -> Logger.Level? {
        Logger.Level(rawValue: text.lowercased()) ?? (text.lowercased() == "warn" ? .warning : nil)
    }
}
