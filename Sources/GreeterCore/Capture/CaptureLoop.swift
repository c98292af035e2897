import Dispatch
import Foundation
import Synchronization

/// Runs a frame source on a thread of its own (its reads block) and hands every frame on. The source is made
/// by a factory so the loop can be restarted with new camera settings without the rest of the pipeline noticing.
public final class CaptureLoop: Sendable {
    public enum End: Sendable {
        /// The file ran out (a camera never ends; losing one is the reconnecting source's business).
        case finished
        case failed(String)
    }

    private struct State {
        var generation = 0
        var lastTick = MonotonicClock.now()
        /// Loops whose thread has not returned yet (an old one may still be closing its source).
        var running = 0
    }

    private let state = Mutex(State())
    /// Signalled by each loop as its thread ends, for `stop(waitingUpTo:)`.
    private let ended = DispatchSemaphore(value: 0)

    public init() {}

    /// Starts reading from a new source; a loop already running stops at its next frame.
    public func start(_ open: @escaping @Sendable () throws -> any FrameSource,
                      onFrame: @escaping @Sendable (Frame) -> Void, onEnd: @escaping @Sendable (End) -> Void) {
        let generation = state.withLock { state -> Int in
            state.generation += 1
            state.running += 1
            return state.generation
        }
        let thread = Thread { [self] in
            run(open, generation: generation, onFrame: onFrame, onEnd: onEnd)
            state.withLock { $0.running -= 1 }
            ended.signal()
        }
        thread.name = "door-greeter.capture"
        thread.qualityOfService = .userInteractive
        thread.start()
    }

    /// Stops the loop and waits until every loop thread has returned (its source closed, its last frame handed
    /// on), or the time is up: after this no frame is submitted.
    public func stop(waitingUpTo seconds: Double) {
        state.withLock { $0.generation += 1 }
        let deadline = DispatchTime.now() + seconds
        while state.withLock({ $0.running }) > 0, ended.wait(timeout: deadline) == .success {}
    }

    /// The generation the next `start` will run as.
    public var nextGeneration: Int { state.withLock { $0.generation + 1 } }

    /// True while the current loop is the one with this generation; the camera's waits poll it. Each look is a
    /// sign of life for the watchdog: waiting for a camera is what a healthy loop does without one.
    public func isRunning(_ generation: Int) -> Bool { isCurrent(generation) }

    /// Seconds since the loop last got a frame or retried: the watchdog's sign of life from the capture side.
    public var secondsSinceTick: Double { MonotonicClock.now() - state.withLock { $0.lastTick } }

    private func isCurrent(_ generation: Int) -> Bool {
        state.withLock { state in
            state.lastTick = MonotonicClock.now()
            return state.generation == generation
        }
    }

    private func run(_ open: () throws -> any FrameSource, generation: Int, onFrame: (Frame) -> Void,
                     onEnd: (End) -> Void) {
        let source: any FrameSource
        do { source = try open() } catch {
            if isCurrent(generation) { onEnd(.failed("\(error)")) }
            return
        }
        defer { source.close() }
        while isCurrent(generation) {
            do {
                guard let frame = try source.next() else {
                    if isCurrent(generation) { onEnd(.finished) }
                    return
                }
                if isCurrent(generation) { onFrame(frame) }
            } catch {
                if isCurrent(generation) { onEnd(.failed("\(error)")) }
                return
            }
        }
    }
}
