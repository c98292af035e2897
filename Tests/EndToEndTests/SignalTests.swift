import Foundation
import Testing

extension DaemonEndToEndTests {
    @Test func sighupAppliesAChangedThreshold() async throws {
        // At 0.3 nobody in the clip is close enough to anyone in the gallery (Lin-Manuel is at about 0.8).
        let strict = "[recognition]\nthreshold = 0.3\n[log]\nlevel = \"debug\"\n"
        let daemon = try await DaemonUnderTest.start(photos: Self.everyone, config: strict, loop: true)
        // The debug log shows each identification: wait for faces the default threshold would have accepted.
        try await daemon.waitUntil("three identifications rejected by the strict threshold only") {
            daemon.log.filter { line in
                line.firstMatch(of: /track \d+: unknown distance=([0-9.]+)/).flatMap { Double($0.1) }.map { $0 < 1 } ?? false
            }.count >= 3
        }
        #expect(daemon.greetings().isEmpty, "greeted with threshold 0.3\n\(daemon.logTail)")

        try daemon.writeConfig(strict.replacingOccurrences(of: "0.3", with: "1.0"))
        daemon.send(SIGHUP)
        let reloaded = try await daemon.waitForLine("the reload") { $0.contains("reloaded \(daemon.configFile)") }
        try await daemon.waitUntil("a greeting with threshold 1.0") {
            daemon.greetings(from: reloaded).contains(Self.linManuel)
        }
        try await Self.expectCleanStop(daemon)
    }

    @Test func sighupWithABrokenConfigKeepsTheRunningOne() async throws {
        // No cooldown, so each pass of the looping clip greets again and "still greets" can be seen.
        let good = "[greeting]\ncooldown_minutes = 0\n"
        let daemon = try await DaemonUnderTest.start(photos: Self.everyone, config: good, loop: true)

        // A misspelt key rejects the whole file, including its valid threshold that would stop all greetings.
        try daemon.writeConfig(good + "[recognition]\nthreshold = 0.3\nthreshhold = 1.0\n")
        daemon.send(SIGHUP)
        let rejected = try await daemon.waitForLine("the rejected reload") { $0.contains("reload rejected") }
        #expect(daemon.log[rejected].contains("threshhold"), "the rejection names the bad key: \(daemon.log[rejected])")
        #expect(!daemon.log.contains { $0.contains("reloaded ") })
        #expect(daemon.isRunning)

        try await daemon.waitUntil("a greeting under the kept config") {
            daemon.greetings(from: rejected).contains(Self.linManuel)
        }
        try await Self.expectCleanStop(daemon)
    }
}
