import Glibc
import Logging

/// Keeps a camera going across unplugging: when the wrapped source throws, logs the loss once, closes it
/// and reopens it through `open` with backoff capped at 1 s, so frames resume within about a second of the
/// camera coming back. Frame indices continue across reopenings.
public final class ReconnectingSource: FrameSource {
    private let open: () throws -> any FrameSource
    private let logger: Logger
    private let isStopping: @Sendable () -> Bool
    private let onConnection: @Sendable (Bool) -> Void
    private var current: (any FrameSource)?
    private var index = 0

    /// Opens the first source at once, so a camera missing at start-up is reported by the caller as an error.
    /// - Parameter isStopping: polled while waiting for the camera; when it turns true, `next()` returns nil.
    /// - Parameter onConnection: told false when the camera is lost and true when it is back (the state that MQTT
    ///   publishes), on the reading thread.
    public init(logger: Logger, isStopping: @escaping @Sendable () -> Bool = { false },
                onConnection: @escaping @Sendable (Bool) -> Void = { _ in },
                open: @escaping () throws -> any FrameSource) throws {
        self.open = open
        self.logger = logger
        self.isStopping = isStopping
        self.onConnection = onConnection
        current = try open()
    }

    public var description: String { current?.description ?? "camera being reopened" }

    public func next() throws -> Frame? {
        while true {
            if let source = current {
                do {
                    guard let frame = try source.next() else { return nil }
                    defer { index += 1 }
                    return Frame(image: frame.image, time: frame.time, index: index)
                } catch {
                    logger.warning("\(error); reopening it until it comes back")
                    source.close()
                    current = nil
                    onConnection(false)
                }
            }
            guard reopen() else { return nil }
        }
    }

    public func close() {
        current?.close()
        current = nil
    }

    /// Retries `open` until it succeeds (true) or `isStopping` (false). Each different reason for a failed
    /// attempt is logged once, so a camera away for hours costs a few lines, not thousands.
    private func reopen() -> Bool {
        let start = MonotonicClock.now()
        var delay = 0.1
        var reasons: Set<String> = []
        while !isStopping() {
            do {
                current = try open()
                let waited = ((MonotonicClock.now() - start) * 10).rounded() / 10
                logger.notice("camera back after \(waited) s: \(current?.description ?? "")")
                onConnection(true)
                return true
            } catch {
                if reasons.insert("\(error)").inserted { logger.info("still waiting: \(error)") }
            }
            let until = MonotonicClock.now() + delay
            while !isStopping() && MonotonicClock.now() < until { usleep(50_000) }
            delay = min(delay * 2, 1)
        }
        return false
    }
}
