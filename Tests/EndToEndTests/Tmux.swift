import Foundation

/// A tmux server of the test's own (its own socket), for driving a full-screen program as a person
/// would: send keys, read the screen.
struct Tmux {
    struct Failure: Error, CustomStringConvertible { var description: String }

    let socket = "prism-test-\(UUID().uuidString.prefix(8))"
    let session = "top"

    /// A tmux server with `bash` in a session of `width` x `height` for `body`, killed afterwards on
    /// every path: a tmux server left behind outlives the test run.
    static func with<Result>(width: Int, height: Int, _ body: (Tmux) async throws -> Result) async throws -> Result {
        let tmux = Tmux()
        let result: Result
        do {
            try await tmux.start(width: width, height: height)
            result = try await body(tmux)
        } catch {
            await tmux.kill()
            throw error
        }
        await tmux.kill()
        return result
    }

    /// Starts `bash` in a detached session of `width` x `height`.
    private func start(width: Int, height: Int) async throws {
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

    private func kill() async {
        _ = try? await Self.spawnDetached(["/usr/bin/tmux", "-L", socket, "kill-server"])
    }

    /// Whether this test's tmux server is gone within `timeout` (it must be once ``with(width:height:_:)``
    /// returned; it takes a moment to exit after kill-server).
    func serverGone(within timeout: Duration = .seconds(5)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try? await Self.spawnDetached(["/usr/bin/tmux", "-L", socket, "has-session"])) != 0 { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return false
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
                // The test's threads block most signals, and a child inherits that mask: a tmux server
                // (and its bash) that cannot receive SIGHUP or SIGCHLD answers kill-server and stays.
                var attributes = posix_spawnattr_t()
                posix_spawnattr_init(&attributes)
                defer { posix_spawnattr_destroy(&attributes) }
                var none = sigset_t()
                sigemptyset(&none)
                posix_spawnattr_setsigmask(&attributes, &none)
                var all = sigset_t()
                sigfillset(&all)
                posix_spawnattr_setsigdefault(&attributes, &all)
                posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
                var argv = arguments.map { strdup($0) } + [nil]
                defer { for pointer in argv { free(pointer) } }
                var pid: pid_t = 0
                let spawned = posix_spawn(&pid, arguments[0], &actions, &attributes, &argv, environ)
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
