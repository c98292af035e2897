import Dispatch
import Glibc
import Synchronization

/// Hands items to a stage on its own queue, keeping at most one waiting: a newer item replaces the waiting one
/// (counted as dropped), so a slow stage sees the freshest frame and never builds a backlog.
public final class LatestMailbox<Item: Sendable>: Sendable {
    private struct State {
        var waiting: Item?
        var running = false
        var dropped = 0
        var busySince: Double?
    }

    private let state = Mutex(State())
    private let queue: DispatchQueue
    private let handler: @Sendable (Item) -> Void
    private let now: @Sendable () -> Double

    /// `now` stamps `busySince` (the monotonic clock, or a test's).
    public init(label: String, qos: DispatchQoS = .userInitiated, now: @escaping @Sendable () -> Double = MonotonicClock.now,
                handler: @escaping @Sendable (Item) -> Void) {
        queue = DispatchQueue(label: label, qos: qos)
        self.handler = handler
        self.now = now
    }

    public func post(_ item: Item) {
        let start = state.withLock { state -> Bool in
            if state.waiting != nil { state.dropped += 1 }
            state.waiting = item
            guard !state.running else { return false }
            state.running = true
            return true
        }
        if start { queue.async { self.drain() } }
    }

    /// True while an item waits for the stage to finish the one before it.
    public var isHolding: Bool { state.withLock { $0.waiting != nil } }

    /// Items replaced before the stage took them.
    public var dropped: Int { state.withLock { $0.dropped } }

    /// When the item being handled was taken (nil when idle): a stage stuck for long is a stalled pipeline.
    public var busySince: Double? { state.withLock { $0.busySince } }

    /// Waits until everything posted so far has been handled.
    public func drain(timeout: Double) -> Bool {
        let deadline = MonotonicClock.now() + timeout
        while MonotonicClock.now() < deadline {
            if state.withLock({ !$0.running && $0.waiting == nil }) { return true }
            usleep(5_000)
        }
        return false
    }

    private func drain() {
        while let item = state.withLock({ state -> Item? in
            let item = state.waiting
            state.waiting = nil
            state.running = item != nil
            state.busySince = item == nil ? nil : now()
            return item
        }) {
            handler(item)
        }
    }
}
