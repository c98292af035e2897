import Foundation
import GreeterCore
import Testing

extension DaemonEndToEndTests {
    @Test func greetsLinManuelMirandaOnceNeverBidenAndSpeaksIt() async throws {
        let daemon = try await DaemonUnderTest.start(photos: Self.everyone, config: nil, loop: false)
        let status = try await daemon.waitForExit()
        #expect(status == 0, "exit status at the end of the video\n\(daemon.logTail)")

        let log = daemon.log
        // Obama passes by in profile near the end; whether he is greeted is not this test's business.
        #expect(daemon.greetings().filter { $0.contains("Lin Manuel Miranda") } == [Self.linManuel], "\(daemon.logTail)")
        #expect(!log.contains { $0.contains("greeted:") && $0.contains("Biden") })
        #expect(log.contains { $0.contains("stopping: end of ") })

        // The utterance is a WAV file of speech: loud enough to hear and as long as four words take.
        let files = try FileManager.default.contentsOfDirectory(atPath: daemon.wavDirectory).filter { $0.hasSuffix(".wav") }
        let spoken = try #require(files.first { $0.contains("lin-manuel-miranda") }, "WAV files: \(files)")
        let path = "\(daemon.wavDirectory)/\(spoken)"
        #expect(log.contains { $0.contains("greeted:") && $0.contains("wav=\(path)") })
        let wav = try WAVFile(contentsOf: path)
        #expect((1.0...5.0).contains(wav.duration), "\(path) lasts \(wav.duration) s")
        #expect(wav.rms > 500, "\(path) has RMS \(wav.rms): silent")
        let windows = stride(from: 0, to: wav.samples.count, by: wav.sampleRate / 50).map {
            WAVFile(sampleRate: wav.sampleRate, samples: Array(wav.samples[$0..<min($0 + wav.sampleRate / 50, wav.samples.count)])).rms
        }.sorted()
        // Speech comes and goes between syllables and words; a tone or noise would be even.
        #expect(windows[windows.count * 9 / 10] > 4 * windows[windows.count / 10], "no pauses in \(path)")

        // The greeting time was saved, so a restart does not greet him again.
        let saved = try String(contentsOfFile: "\(daemon.state)/\(GreetingLog.fileName)", encoding: .utf8)
        #expect(saved.contains("Lin Manuel Miranda") && !saved.contains("Biden"), "\(saved)")
    }

    @Test func aPhotoCopiedInWhileRunningIsEnrolledThenGreeted() async throws {
        let daemon = try await DaemonUnderTest.start(photos: Self.withoutLinManuel, config: nil, loop: true)
        #expect(!daemon.log.contains { $0.contains("Lin Manuel Miranda") })

        try daemon.addToGallery("lin-manuel-miranda.png")
        let enrolled = try await daemon.waitForLine("the new photo to be enrolled") {
            $0.contains("enrolled Lin Manuel Miranda from lin-manuel-miranda.png")
        }
        try await daemon.waitUntil("a greeting for the newly enrolled person") {
            daemon.greetings(from: enrolled).contains(Self.linManuel)
        }
        try await Self.expectCleanStop(daemon)
    }
}
