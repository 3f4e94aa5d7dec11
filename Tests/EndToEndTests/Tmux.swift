import Foundation

/// A tmux server of the test's own (its own socket), for driving a full-screen program as a person
/// would: send keys, read the screen.
struct Tmux {
    struct Failure: Error, CustomStringConvertible { var description: String }

    let socket = "prism-test-\(UUID().uuidString.prefix(8))"
    let session = "top"

    /// Starts `bash` in a detached session of `width` x `height`.
    func start(width: Int, height: Int) async throws {
        // tmux leaves its server running, holding every descriptor it inherits; Foundation's Process
        // would then never see the client exit. Spawn it with every descriptor above stderr closed.
        let arguments = [
            "/usr/bin/tmux", "-L", socket, "new-session", "-d", "-s", session, "-x", "\(width)", "-y", "\(height)",
            "bash --norc --noprofile",
        ]
        let status = try await Self.spawnDetached(arguments)
        guard status == 0 else { throw Failure(description: "tmux new-session exited \(status)") }
    }

    func send(_ keys: String...) async throws { try await run(["send-keys", "-t", session] + keys) }

    /// Types `text` literally (no key names), as separate keystrokes.
    func type(_ text: String) async throws { try await run(["send-keys", "-t", session, "-l", text]) }

    func resize(width: Int, height: Int) async throws {
        try await run(["resize-window", "-t", session, "-x", "\(width)", "-y", "\(height)"])
    }

    func screen() async throws -> String { try await run(["capture-pane", "-p", "-t", session]) }

    /// Whether the pane shows the alternate screen (a full-screen program that has not restored the terminal).
    func alternateScreenOn() async throws -> Bool {
        try await run(["display-message", "-p", "-t", session, "#{alternate_on}"]).trimmingCharacters(
            in: .whitespacesAndNewlines) == "1"
    }

    /// Polls the screen until `condition` holds; returns that screen, or throws with the last one.
    @discardableResult
    func waitFor(
        _ what: String, timeout: Duration = .seconds(15), _ condition: (String) -> Bool
    ) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        var last = ""
        while ContinuousClock.now < deadline {
            last = try await screen()
            if condition(last) { return last }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Failure(description: "no \(what) within \(timeout); the screen:\n\(last)")
    }

    func kill() async {
        _ = try? await Self.spawnDetached(["/usr/bin/tmux", "-L", socket, "kill-server"])
    }

    /// Runs a program with no descriptor but /dev/null on 0-2 and waits for it (not for what it leaves).
    private static func spawnDetached(_ arguments: [String]) async throws -> Int32 {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                var actions = posix_spawn_file_actions_t()
                posix_spawn_file_actions_init(&actions)
                defer { posix_spawn_file_actions_destroy(&actions) }
                for descriptor in Int32(0)...2 {
                    posix_spawn_file_actions_addopen(
                        &actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
                }
                let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd"))?.compactMap {
                    Int32($0)
                }
                for descriptor in open ?? [] where descriptor > 2 && fcntl(descriptor, F_GETFD) != -1 {
                    posix_spawn_file_actions_addclose(&actions, descriptor)
                }
                var argv = arguments.map { strdup($0) } + [nil]
                defer { for pointer in argv { free(pointer) } }
                var pid: pid_t = 0
                let spawned = posix_spawn(&pid, arguments[0], &actions, nil, &argv, environ)
                guard spawned == 0 else {
                    continuation.resume(throwing: Failure(description: "cannot start \(arguments[0]): \(spawned)"))
                    return
                }
                var status: Int32 = 0
                waitpid(pid, &status, 0)
                continuation.resume(returning: (status >> 8) & 0xFF)
            }
        }
    }

    @discardableResult
    private func run(_ arguments: [String], captureOutput: Bool = true) async throws -> String {
        let outcome = try await PrismProcess.run(
            executableURL: URL(fileURLWithPath: "/usr/bin/tmux"), arguments: ["-L", socket] + arguments,
            captureOutput: captureOutput)
        guard outcome.status == 0 else {
            throw Failure(description: "tmux \(arguments.joined(separator: " ")): \(outcome.standardError)")
        }
        return outcome.standardOutput
    }
}
