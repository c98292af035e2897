import Logging
import Synchronization

/// Keeps a repeating warning (a camera hiccup every frame, a bad photo on every rescan) from flooding
/// the journal: each key is logged at most once per interval, and the next line that gets through
/// says how many were held back, e.g. "frame dropped (41 similar suppressed)".
///
/// Keys name a call site or a kind of trouble ("capture.timeout"), not a value, so there are few of them.
public final class RateLimitedLogger: Sendable {
    public let logger: Logger
    private let interval: Duration
    private let now: @Sendable () -> ContinuousClock.Instant
    private let keys = Mutex<[String: KeyState]>([:])

    private struct KeyState {
        var lastLogged: ContinuousClock.Instant
        var suppressed: Int
    }

    /// `now` is the clock; tests pass one they advance by hand.
    public init(
        logger: Logger, interval: Duration,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.logger = logger
        self.interval = interval
        self.now = now
    }

    public func warning(
        _ message: @autoclosure () -> Logger.Message, key: String,
        metadata: @autoclosure () -> Logger.Metadata? = nil,
        file: String = #fileID, function: String = #function, line: UInt = #line
    ) {
        log(level: .warning, message(), key: key, metadata: metadata(), file: file, function: function, line: line)
    }

    public func log(
        level: Logger.Level, _ message: @autoclosure () -> Logger.Message, key: String,
        metadata: @autoclosure () -> Logger.Metadata? = nil,
        file: String = #fileID, function: String = #function, line: UInt = #line
    ) {
        guard logger.logLevel <= level, let suppressed = admit(key) else { return }
        let text = suppressed == 0 ? message() : "\(message()) (\(suppressed) similar suppressed)"
        logger.log(level: level, text, metadata: metadata(), file: file, function: function, line: line)
    }

    /// nil when `key` was logged less than `interval` ago; otherwise how many were held back since.
    private func admit(_ key: String) -> Int? {
        let instant = now()
        return keys.withLock { keys in
            if var state = keys[key], instant - state.lastLogged < interval {
                state.suppressed += 1
                keys[key] = state
                return nil
            }
            let suppressed = keys[key]?.suppressed ?? 0
            keys[key] = KeyState(lastLogged: instant, suppressed: 0)
            return suppressed
        }
    }
}
