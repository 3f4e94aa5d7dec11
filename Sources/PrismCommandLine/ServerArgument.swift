import Foundation
import PrismClient

/// Where the tools find prismd and which namespace they use when not told: `$PRISM_SERVER` and
/// `$PRISM_NAMESPACE`, else PrismClient's defaults.
public enum ServerArgument {
    public static var server: String {
        ProcessInfo.processInfo.environment["PRISM_SERVER"] ?? PrismClient.defaultServer
    }

    /// `$PRISM_NAMESPACE`, else `fallback` (the simulator's fleet lives in `iot`, the rest in `default`).
    public static func namespace(default fallback: String = "default") -> String {
        ProcessInfo.processInfo.environment["PRISM_NAMESPACE"] ?? fallback
    }
}
