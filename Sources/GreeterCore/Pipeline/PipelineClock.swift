import Foundation

/// The pipeline's time: monotonic seconds for frames, tracks and visits; wall time and zone for cooldowns and
/// quiet hours. Injected so that tests step time instead of waiting for it.
public struct PipelineClock: Sendable {
    public let monotonic: @Sendable () -> Double
    public let wall: @Sendable () -> (unix: Double, timeZone: TimeZone)

    public init(monotonic: @escaping @Sendable () -> Double,
                wall: @escaping @Sendable () -> (unix: Double, timeZone: TimeZone)) {
        self.monotonic = monotonic
        self.wall = wall
    }

    public static let system = PipelineClock(monotonic: MonotonicClock.now,
                                             wall: { (Date().timeIntervalSince1970, TimeZone.current) })

    func moment() -> GreetingPolicy.Moment {
        let (unix, zone) = wall()
        return GreetingPolicy.Moment(monotonic: monotonic(), unix: unix, timeZone: zone)
    }
}
