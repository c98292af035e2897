import Foundation

extension GreetingPolicy {
    /// "Now" for the policy, passed in by the caller so that the policy never reads a clock (tests drive it).
    public struct Moment: Sendable, Hashable {
        /// Monotonic seconds, the clock of frame times: group windows and time since a track's first frame.
        public var monotonic: Double
        /// Wall-clock Unix seconds: cooldowns, which must survive restarts.
        public var unix: Double
        /// Local minutes after midnight, 0..<1440: quiet hours.
        public var minuteOfDay: Int

        public init(monotonic: Double, unix: Double, minuteOfDay: Int) {
            precondition((0..<1440).contains(minuteOfDay), "Moment: minuteOfDay \(minuteOfDay) is not in 0..<1440")
            self.monotonic = monotonic; self.unix = unix; self.minuteOfDay = minuteOfDay
        }

        /// Derives the minute of the day from `unix` in `timeZone` (daylight saving included).
        public init(monotonic: Double, unix: Double, timeZone: TimeZone) {
            let offset = Double(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: unix)))
            let minutes = Int(((unix + offset) / 60).rounded(.down))
            self.init(monotonic: monotonic, unix: unix, minuteOfDay: ((minutes % 1440) + 1440) % 1440)
        }
    }
}
