extension Config {
    /// A daily time span during which nobody is greeted, e.g. 22:00-07:00; it may wrap midnight.
    /// The start minute is inside, the end minute is not.
    public struct QuietHours: Sendable, Equatable, CustomStringConvertible {
        /// Minutes after midnight, 0..<1440.
        public let startMinute: Int
        public let endMinute: Int

        /// Parses "HH:MM-HH:MM" (24-hour clock, two digits each); nil for anything else, or an empty span.
        public init?(_ text: String) {
            let halves = text.split(separator: "-", omittingEmptySubsequences: false)
            guard halves.count == 2, let start = Self.minuteOfDay(halves[0]), let end = Self.minuteOfDay(halves[1]),
                start != end
            else { return nil }
            startMinute = start
            endMinute = end
        }

        public func contains(minuteOfDay minute: Int) -> Bool {
            startMinute < endMinute
                ? (startMinute..<endMinute).contains(minute)
                : minute >= startMinute || minute < endMinute
        }

        public var description: String {
            Self.clock(startMinute) + "-" + Self.clock(endMinute)
        }

        private static func minuteOfDay(_ text: Substring) -> Int? {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy({ ("0"..."9").contains($0) }) }),
                let hour = Int(parts[0]), let minute = Int(parts[1]), (0..<24).contains(hour), (0..<60).contains(minute)
            else { return nil }
            return hour * 60 + minute
        }

        private static func clock(_ minuteOfDay: Int) -> String {
            func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
            return twoDigits(minuteOfDay / 60) + ":" + twoDigits(minuteOfDay % 60)
        }
    }
}
