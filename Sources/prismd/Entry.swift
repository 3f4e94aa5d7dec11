import Foundation
import NIOCore
import NIOPosix

/// prismd's entry point. Before anything async runs, Swift concurrency is moved onto NIO's event
/// loops, so that a call's handler continues on the loop that read it instead of hopping to the
/// cooperative pool and back: measured with h2load, +13–18% unary calls per second on 2 cores, where
/// the pool's threads otherwise compete with the loops for the same cores. Every blocking call in
/// prismd (SQLite, hiredis) already runs on its own thread pool, as the loops require.
/// `PRISM_NIO_EXECUTOR=0` keeps Swift's default executor (for comparing the two).
@main
enum Entry {
    static func main() {
        if ProcessInfo.processInfo.environment["PRISM_NIO_EXECUTOR"] != "0" {
            _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        }
        Task {
            await Prismd.main()
            exit(0)
        }
        dispatchMain()
    }
}
