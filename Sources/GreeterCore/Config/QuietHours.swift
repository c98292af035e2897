import Foundation

/// A daily span of local time in which nothing is said, e.g. "22:00-07:00" (it may wrap past midnight).
/// The start minute is inside, the end minute is not.
public struct QuietHours: Sendable, Hashable, CustomStringConvertible {
    /// Minutes after local midnight, 0..<1440.
    public let start: Int
    public let end: Int

    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let text: String
        public let reason: String
        public var description: String { "quiet hours \"\(text)\": \(reason) (expected HH:MM-HH:MM, e.g. 22:00-07:00)" }
    }

    public init(start: Int, end: Int) {
        precondition((0..<1440).contains(start) && (0..<1440).contains(end) && start != end,
                     "QuietHours: start \(start) and end \(end) must be different minutes of the day")
        self.start = start; self.end = end
    }

    public init(parsing text: String) throws(ParseError) {
        let halves = text.split(separator: "-", omittingEmptySubsequences: false)
        guard halves.count == 2 else { throw ParseError(text: text, reason: "needs exactly one \"-\"") }
        let start = try Self.minute(of: halves[0], in: text)
        let end = try Self.minute(of: halves[1], in: text)
        guard start != end else { throw ParseError(text: text, reason: "start and end are the same time") }
        self.init(start: start, end: end)
    }

    public func contains(minuteOfDay minute: Int) -> Bool {
        start < end ? (start..<end).contains(minute) : (minute >= start || minute < end)
    }

    public var description: String { "\(Self.clock(start))-\(Self.clock(end))" }

    private static func minute(of part: Substring, in text: String) throws(ParseError) -> Int {
        let time = part.trimmingCharacters(in: .whitespaces)
        let fields = time.split(separator: ":", omittingEmptySubsequences: false).map { String($0) }
        guard fields.count == 2, (1...2).contains(fields[0].count), fields[1].count == 2,
              fields.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let hour = Int(fields[0]), let minute = Int(fields[1]) else {
            throw ParseError(text: text, reason: "\"\(time)\" is not a time HH:MM")
        }
        guard hour < 24 else { throw ParseError(text: text, reason: "hour \(hour) is not 0-23") }
        guard minute < 60 else { throw ParseError(text: text, reason: "minute \(minute) is not 0-59") }
        return hour * 60 + minute
    }

    private static func clock(_ minute: Int) -> String {
        let hh = minute / 60, mm = minute % 60
        return (hh < 10 ? "0" : "") + "\(hh):" + (mm < 10 ? "0" : "") + "\(mm)"
    }
}
