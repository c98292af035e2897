import Foundation
import Testing
import GreeterCore

@Suite struct QuietHoursTests {

    @Test func parsesAndWrapsPastMidnight() throws {
        let night = try QuietHours(parsing: "22:00-07:00")
        #expect(night.start == 22 * 60 && night.end == 7 * 60)
        #expect(night.description == "22:00-07:00")
        #expect(night.contains(minuteOfDay: 22 * 60))
        #expect(night.contains(minuteOfDay: 23 * 60 + 59))
        #expect(night.contains(minuteOfDay: 0))
        #expect(night.contains(minuteOfDay: 6 * 60 + 59))
        #expect(!night.contains(minuteOfDay: 7 * 60))
        #expect(!night.contains(minuteOfDay: 12 * 60))
        #expect(!night.contains(minuteOfDay: 21 * 60 + 59))

        let lunch = try QuietHours(parsing: " 12:30 - 13:05 ")
        #expect(lunch.description == "12:30-13:05")
        #expect(lunch.contains(minuteOfDay: 12 * 60 + 30) && lunch.contains(minuteOfDay: 13 * 60 + 4))
        #expect(!lunch.contains(minuteOfDay: 13 * 60 + 5) && !lunch.contains(minuteOfDay: 0))
        #expect(try QuietHours(parsing: "7:00-9:15").description == "07:00-09:15")
    }

    @Test(arguments: [
        ("22:00", "needs exactly one \"-\""),
        ("22:00-07:00-08:00", "needs exactly one \"-\""),
        ("24:00-07:00", "hour 24 is not 0-23"),
        ("22:60-07:00", "minute 60 is not 0-59"),
        ("22h-07:00", "\"22h\" is not a time HH:MM"),
        ("22:0-07:00", "\"22:0\" is not a time HH:MM"),
        ("08:00-08:00", "start and end are the same time"),
    ])
    func rejectsBadTextSayingWhy(text: String, reason: String) {
        let error = #expect(throws: QuietHours.ParseError.self) { try QuietHours(parsing: text) }
        #expect(error?.reason == reason)
        #expect(error?.description.contains("\"\(text)\"") == true)
    }

    @Test func momentTakesTheMinuteOfDayFromTheTimeZone() throws {
        let unix = 1_700_000_000.0  // 2023-11-14 22:13:20 UTC
        #expect(GreetingPolicy.Moment(monotonic: 0, unix: unix, timeZone: try #require(TimeZone(identifier: "UTC"))).minuteOfDay == 22 * 60 + 13)
        let paris = try #require(TimeZone(identifier: "Europe/Paris"))  // UTC+1 in November
        #expect(GreetingPolicy.Moment(monotonic: 0, unix: unix, timeZone: paris).minuteOfDay == 23 * 60 + 13)
        let tokyo = try #require(TimeZone(identifier: "Asia/Tokyo"))  // UTC+9: already the next morning
        #expect(GreetingPolicy.Moment(monotonic: 0, unix: unix, timeZone: tokyo).minuteOfDay == 7 * 60 + 13)
        let newYork = try #require(TimeZone(identifier: "America/New_York"))  // UTC-5
        #expect(GreetingPolicy.Moment(monotonic: 0, unix: unix, timeZone: newYork).minuteOfDay == 17 * 60 + 13)
    }
}
