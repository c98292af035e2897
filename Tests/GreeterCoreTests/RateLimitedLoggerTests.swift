import Glibc
import GreeterCore
import Logging
import Synchronization
import Testing

@Suite struct RateLimitedLoggerTests {
    /// A clock that only moves when the test says so.
    final class ManualClock: Sendable {
        private let instant = Mutex(ContinuousClock.now)
        func now() -> ContinuousClock.Instant { instant.withLock { $0 } }
        func advance(by duration: Duration) { instant.withLock { $0 += duration } }
    }

    private func logged(_ body: (RateLimitedLogger, ManualClock) -> Void) -> [String] {
        let (readEnd, writeEnd) = SystemTestSupport.pipe()
        defer { close(readEnd) }
        let clock = ManualClock()
        let logger = Logger(label: "camera") { JournalLogHandler(label: $0, fd: writeEnd, style: .journal) }
        body(RateLimitedLogger(logger: logger, interval: .seconds(60), now: { clock.now() }), clock)
        close(writeEnd)
        return SystemTestSupport.readAll(readEnd).split(separator: "\n").map(String.init)
    }

    @Test func aRepeatedKeyIsLoggedOncePerIntervalAndThenCountsWhatWasHeldBack() {
        let output = logged { limited, clock in
            limited.warning("frame timeout", key: "timeout", metadata: ["device": "/dev/video0"])
            for _ in 0..<3 { limited.warning("frame timeout", key: "timeout") }
            limited.warning("bad photo", key: "photo")  // another key has its own budget
            clock.advance(by: .seconds(59))
            limited.warning("frame timeout", key: "timeout")
            clock.advance(by: .seconds(1))
            limited.warning("frame timeout", key: "timeout", metadata: ["device": "/dev/video0"])
            clock.advance(by: .seconds(61))
            limited.warning("frame timeout", key: "timeout")
        }
        #expect(output == [
            "<4>camera: frame timeout device=/dev/video0",
            "<4>camera: bad photo",
            "<4>camera: frame timeout (4 similar suppressed) device=/dev/video0",
            "<4>camera: frame timeout",
        ])
    }

    @Test func otherLevelsAreLimitedTooAndLevelsBelowTheLoggersAreNotCounted() {
        let output = logged { limited, _ in
            limited.log(level: .debug, "too quiet to show", key: "k")
            limited.log(level: .error, "disk full", key: "k")
            limited.log(level: .error, "disk full", key: "k")
        }
        #expect(output == ["<3>camera: disk full"])
    }
}
