#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Standard output for the tools: each write goes out at once (streaming commands are read by other
/// programs while they run), and a reader that has gone away ends the tool quietly.
///
/// SwiftNIO ignores SIGPIPE, so a write to a closed pipe fails with EPIPE instead of ending the
/// process as it would end `cat`. Foundation's `FileHandle.write` traps on that error, and `print`
/// drops it and lets the tool run on: `prism watch | head -1` would then watch for ever.
public enum StandardOutput {
    /// Writes `text` and a newline.
    public static func line(_ text: String) {
        write(text + "\n")
    }

    public static func write(_ text: String) {
        if !tryWrite(text) { endAsIfByBrokenPipe() }
    }

    /// Writes `text`; false when the reader has gone away (EPIPE), or nothing more can be written, for a
    /// tool that must clean up before it ends (the simulator unregisters its devices).
    public static func tryWrite(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                writeToStandardOutput(buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written >= 0 {
                offset += written
            } else if errno != EINTR {
                return false
            }
        }
        return true
    }

    /// Ends the process the way a Unix tool ends when its reader goes away: by SIGPIPE, silently
    /// (a shell reports status 141, which `set -o pipefail` scripts already expect of `cat`).
    private static func endAsIfByBrokenPipe() -> Never {
        signal(SIGPIPE, SIG_DFL)
        kill(getpid(), SIGPIPE)
        exit(141)
    }
}

private func writeToStandardOutput(_ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(STDOUT_FILENO, bytes, count)
}
