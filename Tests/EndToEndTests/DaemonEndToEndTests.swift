import Foundation
import Testing

/// The built `door-greeter run` as a child process on real data: the Hamilton clip at camera pace, example
/// photos, real eSpeak NG into WAV files, real signals and a notify socket of the test's own. One daemon at a
/// time: two would share the two cores, drop more frames and make the greeting tests depend on the load.
@Suite(.serialized) struct DaemonEndToEndTests {
    static let everyone = ["obama.jpg", "biden.jpg", "lin-manuel-miranda.png", "alex-lacamoire.png"]
    static let withoutLinManuel = everyone.filter { $0 != "lin-manuel-miranda.png" }
    static let linManuel = "Welcome Lin Manuel Miranda"

    /// A stop by SIGTERM is clean: exit status 0, and about 2 s at most (checked loosely: the limit is only
    /// there to catch a daemon that hangs on its way out, not to time it).
    static func expectCleanStop(_ daemon: DaemonUnderTest, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let (status, seconds) = try await daemon.terminate(sourceLocation: sourceLocation)
        #expect(status == 0, "exit status after SIGTERM\n\(daemon.logTail)", sourceLocation: sourceLocation)
        #expect(seconds < 5, "took \(seconds) s to exit after SIGTERM", sourceLocation: sourceLocation)
        #expect(daemon.log.contains { $0.contains("stopping: signal \(SIGTERM)") }, sourceLocation: sourceLocation)
        // Nothing fails on the way out: no stage is still running when the process exits.
        let stopping = daemon.log.lastIndex { $0.contains("stopping: ") } ?? 0
        let errors = daemon.log[stopping...].filter { $0.hasPrefix("<0>") || $0.hasPrefix("<1>") || $0.hasPrefix("<2>") || $0.hasPrefix("<3>") }
        #expect(errors.isEmpty, "error lines after the stop began: \(errors)", sourceLocation: sourceLocation)
    }
}
