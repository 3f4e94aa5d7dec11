import Foundation

/// Why a file named in a setting cannot be read, or nil when it can: said before a library opens it,
/// since BoringSSL's errors name neither the file nor whether it was there at all.
public func unreadableReason(_ path: String) -> String? {
    guard !FileManager.default.isReadableFile(atPath: path) else { return nil }
    return FileManager.default.fileExists(atPath: path) ? "it is not readable" : "there is no such file"
}
