import Foundation
import Testing

extension DaemonEndToEndTests {
    @Test func tellsSystemdReadyWatchdogReloadingAndStopping() async throws {
        let systemd = try NotifySocket()
        let daemon = try await DaemonUnderTest.start(
            photos: Self.withoutLinManuel, config: "[recognition]\nthreshold = 1.0\n", loop: true,
            environment: ["NOTIFY_SOCKET": systemd.path, "WATCHDOG_USEC": "1000000"], watchdogPIDIsOwn: true)

        let ready = try await daemon.waitFor("READY=1") { systemd.firstIndex { $0 == "READY=1" } }
        try await daemon.waitFor("WATCHDOG=1 after READY=1") { systemd.firstIndex(from: ready) { $0 == "WATCHDOG=1" } }

        let before = Self.monotonicMicroseconds()
        daemon.send(SIGHUP)
        let reloading = try await daemon.waitFor("RELOADING=1") {
            systemd.firstIndex(from: ready + 1) { $0.hasPrefix("RELOADING=1") }
        }
        let stamp = systemd.messages[reloading].wholeMatch(of: /RELOADING=1\nMONOTONIC_USEC=([0-9]+)/).flatMap { Int64($0.1) }
        let stamped = try #require(stamp, "not RELOADING=1 with MONOTONIC_USEC: \(systemd.messages[reloading])")
        #expect(stamped >= before && stamped <= Self.monotonicMicroseconds())
        try await daemon.waitFor("READY=1 after the reload") { systemd.firstIndex(from: reloading) { $0 == "READY=1" } }
        #expect(daemon.log.contains { $0.contains("reloaded \(daemon.configFile)") }, "\(daemon.logTail)")

        try await Self.expectCleanStop(daemon)
        #expect(systemd.receive().last == "STOPPING=1", "\(systemd.messages)")
    }

    /// CLOCK_MONOTONIC is one clock for every process on the machine, so the daemon's stamp can be bracketed.
    static func monotonicMicroseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1_000
    }
}
