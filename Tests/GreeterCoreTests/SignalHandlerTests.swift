import Dispatch
import Glibc
import GreeterCore
import Synchronization
import Testing

@Suite struct SignalHandlerTests {
    /// The only test that installs the handler: signal dispositions belong to the whole process.
    @Test func hupReloadsAndTermOrIntStopOnTheQueue() async throws {
        let queue = DispatchQueue(label: "signals-test")
        let reloads = Mutex(0)
        let stops = Mutex<[Int32]>([])
        let handler = SignalHandler.install(
            queue: queue,
            onReload: {
                dispatchPrecondition(condition: .onQueue(queue))
                reloads.withLock { $0 += 1 }
            },
            onStop: { signal in
                dispatchPrecondition(condition: .onQueue(queue))
                stops.withLock { $0.append(signal) }
            }
        )
        defer { handler.cancel() }

        try #require(kill(getpid(), SIGHUP) == 0)
        try await SystemTestSupport.waitUntil("the SIGHUP callback") { reloads.withLock { $0 } == 1 }
        try #require(kill(getpid(), SIGHUP) == 0)
        try await SystemTestSupport.waitUntil("the second SIGHUP callback") { reloads.withLock { $0 } == 2 }
        #expect(stops.withLock { $0 }.isEmpty)

        try #require(kill(getpid(), SIGTERM) == 0)
        try await SystemTestSupport.waitUntil("the SIGTERM callback") { stops.withLock { $0 } == [SIGTERM] }
        try #require(kill(getpid(), SIGINT) == 0)
        try await SystemTestSupport.waitUntil("the SIGINT callback") { stops.withLock { $0 } == [SIGTERM, SIGINT] }
        #expect(reloads.withLock { $0 } == 2)
    }
}
