import Foundation
import GreeterCore
import Testing

/// `enrol --from-visit`, `enrol --from-camera` and `correct` against a real daemon and the real CLI.
extension DaemonEndToEndTests {
    static let visitID = "20261201-120000-1"
    /// A frame of the clip where Lin-Manuel Miranda is close and frontal.
    static let linManuelFrame = 60

    /// The CLI's placement options for a daemon's folders, as `run` was given them.
    static func place(_ daemon: DaemonUnderTest) throws -> [String] {
        ["--config", "/dev/null", "--models", try TestPaths.required(TestPaths.models), "--gallery", daemon.gallery,
         "--state-dir", daemon.state]
    }

    @Test func enrolFromAVisitWhileRunningIsEnrolledThenGreeted() async throws {
        let daemon = try await DaemonUnderTest.start(photos: Self.withoutLinManuel, config: nil, loop: true)
        try VisitFixture.write(id: Self.visitID, frame: Self.linManuelFrame, person: nil, state: daemon.state)
        let enrol = try await CommandUnderTest.run(["enrol", "Lin Manuel Miranda", "--from-visit", Self.visitID]
            + Self.place(daemon), environment: ["XDG_CACHE_HOME": daemon.directory + "/cache"])
        #expect(enrol.status == 0, "\(enrol)")
        let enrolled = try await daemon.waitForLine("the visit's crop to be enrolled") {
            $0.contains("enrolled Lin Manuel Miranda from lin-manuel-miranda/\(Self.visitID).jpg")
        }
        try await daemon.waitUntil("a greeting for the person enrolled from the visit") {
            daemon.greetings(from: enrolled).contains(Self.linManuel)
        }
        try await Self.expectCleanStop(daemon)
    }

    @Test func correctNotStopsTheSameClipGreetingThatNameAndOthersAreStillGreeted() async throws {
        let before = try await DaemonUnderTest.start(photos: Self.everyone, config: nil, loop: false)
        #expect(try await before.waitForExit() == 0, "\(before.logTail)")
        let greeted = Set(before.greetings())
        try #require(greeted.contains(Self.linManuel) && greeted.count >= 2, "greetings on the clip: \(greeted)")

        try VisitFixture.write(id: Self.visitID, frame: Self.linManuelFrame, person: "Lin Manuel Miranda", state: before.state)
        let correct = try await CommandUnderTest.run(["correct", Self.visitID, "--not", "Lin Manuel Miranda"]
            + Self.place(before), environment: ["XDG_CACHE_HOME": before.directory + "/cache"])
        #expect(correct.status == 0, "\(correct)")
        // The single photo went into the folder form, the crop beside it as a negative.
        let folder = before.gallery + "/lin-manuel-miranda"
        #expect(FileManager.default.fileExists(atPath: folder + "/lin-manuel-miranda.png"))
        #expect(FileManager.default.fileExists(atPath: folder + "/.not/\(Self.visitID).jpg"))
        #expect(!FileManager.default.fileExists(atPath: before.gallery + "/lin-manuel-miranda.png"))

        let after = try await DaemonUnderTest.start(photos: [], config: nil, loop: false) { gallery in
            for item in try FileManager.default.contentsOfDirectory(atPath: before.gallery) {
                try FileManager.default.copyItem(atPath: before.gallery + "/" + item, toPath: gallery + "/" + item)
            }
        }
        #expect(try await after.waitForExit() == 0, "\(after.logTail)")
        #expect(after.log.contains { $0.contains("corrections of Lin Manuel Miranda: 1 faces marked not Lin Manuel Miranda") },
                "\(after.logTail)")
        let greetedAfter = Set(after.greetings())
        #expect(!greetedAfter.contains(Self.linManuel), "\(after.logTail)")
        #expect(greetedAfter == greeted.subtracting([Self.linManuel]), "before \(greeted), after \(greetedAfter)")
    }

    @Test func enrolFromCameraWithAVideoSourceSavesDistinctCrops() async throws {
        let directory = try TestPaths.scratchDirectory("enrol-camera")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let gallery = directory + "/gallery"
        try FileManager.default.createDirectory(atPath: gallery, withIntermediateDirectories: false)
        try FileManager.default.copyItem(atPath: try TestPaths.required(TestPaths.examplePhotos + "/biden.jpg"),
                                         toPath: gallery + "/biden.jpg")
        let enrol = try await CommandUnderTest.run(
            ["enrol", "Lin Manuel Miranda", "--from-camera", "--photos", "3", "--source",
             try TestPaths.required(TestPaths.hamiltonClip), "--config", "/dev/null", "--models",
             try TestPaths.required(TestPaths.models), "--gallery", gallery, "--state-dir", directory + "/state"],
            environment: ["XDG_CACHE_HOME": directory + "/cache"])
        #expect(enrol.status == 0, "\(enrol)")
        #expect(enrol.stderr.contains("got 3/3"), "\(enrol)")
        let saved = try FileManager.default.contentsOfDirectory(atPath: gallery + "/lin-manuel-miranda").sorted()
        #expect(saved.count == 3, "\(saved)")
        let bytes = try saved.map { try FileBytes.read(gallery + "/lin-manuel-miranda/" + $0) }
        #expect(Set(bytes.map { SHA256.hexDigest(of: $0) }).count == 3, "the crops are not distinct")

        // The gallery takes every one of them as Lin-Manuel Miranda.
        let listing = try await CommandUnderTest.run(["gallery", gallery, "--config", "/dev/null", "--models",
                                                      try TestPaths.required(TestPaths.models), "--json"],
                                                     environment: ["XDG_CACHE_HOME": directory + "/cache"])
        #expect(listing.status == 0, "\(listing)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(listing.stdout.utf8)) as? [String: Any])
        #expect((json["rejected"] as? [Any])?.isEmpty == true, "\(listing)")
        #expect(saved.allSatisfy { listing.stdout.contains("lin-manuel-miranda/\($0)") }, "\(listing)")
    }
}
