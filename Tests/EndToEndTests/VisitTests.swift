import Foundation
import GreeterCore
import Testing

/// The visit log on the Hamilton clip: what a run leaves in STATE/visits and what the `visits` commands make of it.
extension DaemonEndToEndTests {
    static let analyzer: FaceAnalyzer = {
        do { return try FaceAnalyzer(models: ModelFiles(directory: TestPaths.models)) } catch {
            preconditionFailure("\(error) (run scripts/setup first)")
        }
    }()

    @Test func aRunLeavesVisitsWithCropsTheGalleryCanEnrolAndTheCommandsShowThem() async throws {
        let daemon = try await DaemonUnderTest.start(photos: Self.everyone, config: nil, loop: false)
        #expect(try await daemon.waitForExit() == 0, "\(daemon.logTail)")
        let store = VisitStore(stateDirectory: daemon.state)
        let visits = try store.all()
        let greeted = try #require(visits.first { $0.outcome == .greeted && $0.people.first?.name == "Lin Manuel Miranda" },
                                   "visits: \(visits)\n\(daemon.logTail)")
        #expect(greeted.start <= greeted.end)

        // The greeting's journal line names its visit.
        let line = try #require(daemon.log.first { $0.contains("greeted: \"\(Self.linManuel)\"") })
        #expect(line.contains("visit=\(greeted.id)"), "\(line)")
        // So does the line of each face that was not named.
        for visit in visits where visit.outcome == .unknown || visit.outcome == .ambiguous {
            #expect(daemon.log.contains { $0.contains("\(visit.outcome.rawValue) visitor") && $0.contains("visit=\(visit.id)") },
                    "no journal line for \(visit.id)")
        }

        // Private: the folder 0700, every file 0600.
        #expect(try DaemonUnderTest.mode(of: store.directory) == 0o700)
        for file in try FileManager.default.contentsOfDirectory(atPath: store.directory) {
            #expect(try DaemonUnderTest.mode(of: store.path(of: file)) == 0o600, "\(file)")
        }

        // Every visit has its crop and frame. In the greeted one the gallery's own photo enrolment finds the one
        // face, Lin-Manuel Miranda's by his gallery photo (the clip's audience faces may be cut by the frame's edge).
        for visit in visits {
            let face = try ImageFile.read(store.path(of: try #require(visit.face, "\(visit.id) has no crop")))
            #expect(Image.faceCropSides.contains(face.width) && face.width == face.height, "\(visit.id): \(face.width)x\(face.height)")
            _ = try ImageFile.read(store.path(of: try #require(visit.frame, "\(visit.id) has no frame")))
        }
        let enroller = PhotoEnroller(analyzer: Self.analyzer, settings: Config().gallerySettings.enrolment)
        let crop = try enroller.enrol(try FileBytes.read(store.path(of: try #require(greeted.face)))).get()
        let photo = try enroller.enrol(try FileBytes.read("\(daemon.gallery)/lin-manuel-miranda.png")).get()
        let distance = l2Distance(crop[0].embedding, photo[0].embedding)
        #expect(distance < Float(Config().recognition.threshold), "crop of \(greeted.id) at \(distance)")

        // `visits`: the table and the JSON.
        let location = ["--config", "/dev/null", "--state-dir", daemon.state]
        let table = try await CommandUnderTest.run(["visits"] + location)
        #expect(table.status == 0, "\(table)")
        #expect(table.stdout.contains(greeted.id) && table.stdout.contains("Lin Manuel Miranda") && table.stdout.contains("greeted"), "\(table)")
        let json = try await CommandUnderTest.run(["visits", "--json"] + location)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        struct Listing: Decodable { let directory: String; let visits: [Visit] }
        let listing = try decoder.decode(Listing.self, from: Data(json.stdout.utf8))
        #expect(listing.visits.map(\.id) == visits.map(\.id) && listing.directory == store.directory)
        let unknown = try await CommandUnderTest.run(["visits", "--unknown", "--json", "--since", "1h"] + location)
        #expect(try decoder.decode(Listing.self, from: Data(unknown.stdout.utf8)).visits.allSatisfy {
            $0.outcome == .unknown || $0.outcome == .ambiguous
        })
        let badSince = try await CommandUnderTest.run(["visits", "--since", "2x"] + location)
        #expect(badSince.status != 0 && badSince.stderr.contains("--since 2x: not a duration"), "\(badSince)")

        // `visits sheet`: one tile per visit, in order, each showing that visit's face crop (and not blank).
        let sheetFile = daemon.directory + "/sheet.jpg"
        let made = try await CommandUnderTest.run(["visits", "sheet"] + location + [sheetFile])
        #expect(made.status == 0, "\(made)")
        let sheet = try ImageFile.read(sheetFile)
        #expect((sheet.width, sheet.height) == VisitSheet.size(visits.count))
        let columns = VisitSheet.grid(visits.count).columns
        let side = VisitSheet.faceSide
        for (index, visit) in visits.enumerated() {
            let x = VisitSheet.gap + (index % columns) * (side + VisitSheet.gap)
            let y = VisitSheet.gap + (index / columns) * (VisitSheet.tileHeight + VisitSheet.gap)
            let tile = try sheet.cropped(x: x, y: y, cropWidth: side, cropHeight: side, toWidth: side, height: side,
                                         interpolation: .area).grayThumbnail(width: 32, height: 32).map(Double.init)
            let crop = try ImageFile.read(store.path(of: try #require(visit.face))).grayThumbnail(width: 32, height: 32)
                .map(Double.init)
            let mean = tile.reduce(0, +) / Double(tile.count)
            let spread = (tile.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(tile.count)).squareRoot()
            let difference = zip(tile, crop).map { abs($0 - $1) }.reduce(0, +) / Double(tile.count)
            #expect(spread > 2 && difference < 10, "tile \(index) of \(sheetFile): sd \(spread), off \(visit.id)'s crop by \(difference)")
        }

        // `visits forget`: a bad id is one line naming it and deletes nothing; a good one goes with its files.
        let bad = try await CommandUnderTest.run(["visits", "forget", "nonsense"] + location)
        #expect(bad.status != 0 && bad.stderr.contains("nonsense: not a visit id"), "\(bad)")
        let missing = try await CommandUnderTest.run(["visits", "forget", "20000101-000000-1", greeted.id] + location)
        #expect(missing.status != 0 && missing.stderr.contains("20000101-000000-1: no such visit"), "\(missing)")
        #expect(try store.all().count == visits.count)
        let forgot = try await CommandUnderTest.run(["visits", "forget", greeted.id] + location)
        #expect(forgot.status == 0, "\(forgot)")
        #expect(try !FileManager.default.contentsOfDirectory(atPath: store.directory).contains { $0.hasPrefix(greeted.id) })
        let all = try await CommandUnderTest.run(["visits", "forget", "--all"] + location)
        #expect(all.status == 0, "\(all)")
        #expect(try store.all().isEmpty)
    }

    @Test func withVisitsDisabledTheRecordsStayAndNoImageIsOnDisk() async throws {
        let daemon = try await DaemonUnderTest.start(photos: Self.everyone, config: "[visits]\nenabled = false\n",
                                                     loop: false)
        #expect(try await daemon.waitForExit() == 0, "\(daemon.logTail)")
        let visits = try VisitStore(stateDirectory: daemon.state).all()
        #expect(visits.contains { $0.outcome == .greeted }, "\(visits)")
        #expect(visits.allSatisfy { $0.face == nil && $0.frame == nil })
        let images = try FileManager.default.subpathsOfDirectory(atPath: daemon.state)
            .filter { [".jpg", ".jpeg", ".png"].contains(where: $0.hasSuffix) }
        #expect(images.isEmpty, "\(images)")
    }

    /// A visits folder that cannot be made (a file is in its place): one warning, and the greeting is said.
    @Test func anUnwritableVisitFolderIsOneWarningAndGreetingGoesOn() async throws {
        let daemon = try await DaemonUnderTest.start(photos: Self.everyone, config: nil, loop: false) { gallery in
            let state = (gallery as NSString).deletingLastPathComponent + "/state"
            try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: false)
            try Data("not a folder".utf8).write(to: URL(fileURLWithPath: state + "/visits"))
        }
        #expect(try await daemon.waitForExit() == 0, "\(daemon.logTail)")
        #expect(daemon.greetings().contains(Self.linManuel), "\(daemon.logTail)")
        let warnings = daemon.log.filter { $0.hasPrefix("<4>") && $0.contains("visits: cannot keep") }
        #expect(warnings.count == 1, "\(warnings)\n\(daemon.logTail)")
    }

    /// While the daemon runs: `visits` lists what it kept, and a reload to `enabled = false` deletes the images.
    @Test func theCommandsWorkWhileTheDaemonRunsAndAReloadDropsTheImages() async throws {
        let daemon = try await DaemonUnderTest.start(photos: Self.everyone, config: "[visits]\nenabled = true\n", loop: true)
        let store = VisitStore(stateDirectory: daemon.state)
        let first = try await daemon.waitFor("a visit kept") { (try? store.all())?.first { $0.face != nil } }
        let listed = try await CommandUnderTest.run(["visits", "--config", daemon.configFile, "--state-dir", daemon.state])
        #expect(listed.status == 0 && listed.stdout.contains(first.id), "\(listed)")
        // The clip's next pass: he is known, and not greeted again within the cooldown, which the visit says.
        let again = try await daemon.waitFor("a visit not greeted for the cooldown") {
            (try? store.all())?.first { $0.outcome == .known && $0.reason?.hasPrefix("cooldown") == true }
        }
        #expect(again.people.first?.name == "Lin Manuel Miranda", "\(again)")

        try daemon.writeConfig("[visits]\nenabled = false\n")
        let reloaded = daemon.log.count
        daemon.send(SIGHUP)
        try await daemon.waitForLine("the reload", from: reloaded) { $0.contains("reloaded ") }
        try await daemon.waitUntil("no image left in the visits folder") {
            ((try? FileManager.default.contentsOfDirectory(atPath: store.directory)) ?? ["?"]).allSatisfy { !$0.hasSuffix(".jpg") }
        }
        #expect(try store.visit(first.id).face == nil)
        try await Self.expectCleanStop(daemon)
    }
}
