import Foundation
import Testing

/// Issue 13: what a hostile new user found. Each test failed against the daemon before its fix.
extension DaemonEndToEndTests {
    static let missingCamera = "[camera]\ndevice = \"/dev/door-greeter-test-no-such-camera\"\n"

    /// Fault 1: waiting for a camera is healthy, so the watchdog keeps being pinged.
    @Test func waitingForTheCameraKeepsPingingTheWatchdog() async throws {
        let systemd = try NotifySocket()
        let daemon = try await DaemonUnderTest.start(
            photos: ["obama.jpg"], config: Self.missingCamera, loop: false, camera: true,
            environment: ["NOTIFY_SOCKET": systemd.path, "WATCHDOG_USEC": "2000000"], watchdogPIDIsOwn: true,
            until: "waiting for it")
        // Pings every second: six of them span three watchdog intervals of waiting.
        try await daemon.waitUntil("six WATCHDOG=1 while waiting, or a stall") {
            systemd.receive().filter { $0 == "WATCHDOG=1" }.count >= 6 || daemon.log.contains { $0.contains("stalled") }
        }
        #expect(!daemon.log.contains { $0.contains("stalled") }, "\(daemon.logTail)")
        #expect(systemd.messages.contains { $0.hasPrefix("STATUS=waiting for the camera") }, "\(systemd.messages)")
        try await Self.expectCleanStop(daemon)
    }

    /// Fault 2: a FIFO in the gallery, at start and while running, is refused without blocking anything.
    @Test func aFIFOInTheGalleryIsRefusedAndNothingHangs() async throws {
        let daemon = try await DaemonUnderTest.start(photos: Self.withoutLinManuel, config: nil, loop: true) {
            try DaemonUnderTest.makeFIFO($0 + "/carol.jpg")
        }
        #expect(daemon.log.contains { $0.contains("refused gallery photo carol.jpg") && $0.contains("FIFO") },
                "\(daemon.logTail)")
        try DaemonUnderTest.makeFIFO(daemon.gallery + "/dave.jpg")
        try daemon.addToGallery("lin-manuel-miranda.png")
        try await daemon.waitForLine("the photo added after the FIFO to be enrolled") {
            $0.contains("enrolled Lin Manuel Miranda from lin-manuel-miranda.png")
        }
        let refusal = try await daemon.waitForLine("the FIFO made while running to be refused") {
            $0.contains("refused gallery photo dave.jpg")
        }
        #expect(daemon.log[refusal].contains("FIFO"), "\(daemon.log[refusal])")
        try await Self.expectCleanStop(daemon)
    }

    /// Fault 2 for the CLI, and fault 5 for its cache: `gallery` with a FIFO finishes, and what it keeps is private.
    @Test func galleryCommandRefusesAFIFOAndKeepsItsCachePrivate() async throws {
        let directory = try TestPaths.scratchDirectory("gallery-cli")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let gallery = directory + "/gallery"
        try FileManager.default.createDirectory(atPath: gallery, withIntermediateDirectories: false)
        try FileManager.default.copyItem(atPath: try TestPaths.required(TestPaths.examplePhotos + "/obama.jpg"),
                                         toPath: gallery + "/obama.jpg")
        try DaemonUnderTest.makeFIFO(gallery + "/carol.jpg")
        let result = try await CommandUnderTest.run(
            ["gallery", gallery, "--config", "/dev/null", "--models", try TestPaths.required(TestPaths.models)],
            environment: ["XDG_CACHE_HOME": directory + "/cache"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("carol.jpg: ") && result.stdout.contains("FIFO"), "\(result)")
        #expect(result.stdout.contains("Obama"), "\(result)")
        #expect(try DaemonUnderTest.mode(of: directory + "/cache/door-greeter") == 0o700)
        let caches = try FileManager.default.contentsOfDirectory(atPath: directory + "/cache/door-greeter")
        #expect(caches.count == 1 && caches[0].hasSuffix(".h5"), "\(caches)")
        for cache in caches { #expect(try DaemonUnderTest.mode(of: directory + "/cache/door-greeter/" + cache) == 0o600) }
    }

    /// Fault 3: a signal before the models are loaded is handled like any other: logged, exit 0.
    @Test func sigtermWhileStartingIsLoggedAndExitsZero() async throws {
        let daemon = try await DaemonUnderTest.start(photos: Self.everyone, config: nil, loop: false,
                                                     until: "door-greeter: ")
        let (status, _) = try await daemon.terminate()
        #expect(status == 0, "exit status after SIGTERM while starting\n\(daemon.logTail)")
        #expect(daemon.log.contains { $0.contains("stopping: signal \(SIGTERM)") }, "\(daemon.logTail)")
    }

    /// Fault 3: a long first enrolment keeps systemd informed, saves as it goes (a kill -9 loses at most the last
    /// few seconds), and a SIGHUP during it does not kill the daemon.
    @Test func aLongFirstEnrolmentSavesAsItGoesAndSurvivesSIGHUP() async throws {
        let systemd = try NotifySocket()
        let daemon = try await DaemonUnderTest.start(
            photos: [], config: nil, loop: true, environment: ["NOTIFY_SOCKET": systemd.path],
            until: "reading the gallery"
        ) { gallery in
            for (index, photo) in (Self.everyone + Self.everyone + Self.everyone).enumerated() {
                try FileManager.default.copyItem(atPath: try TestPaths.required("\(TestPaths.examplePhotos)/\(photo)"),
                                                 toPath: "\(gallery)/person_\(index).\((photo as NSString).pathExtension)")
            }
        }
        daemon.send(SIGHUP)
        let progress = try await daemon.waitFor("STATUS=enrolled k/n with k > 0, or ready") { () -> String? in
            if let status = systemd.receive().first(where: { $0.contains("STATUS=enrolled ") && !$0.contains("enrolled 0/") }) {
                return status
            }
            return daemon.log.contains { $0.contains("ready: ") } ? "" : nil
        }
        let message = try #require(progress.split(separator: "\n").first { $0.hasPrefix("STATUS=") },
                                   "no enrolment progress before ready: \(systemd.messages)\n\(daemon.logTail)")
        #expect(systemd.messages.contains { $0.contains("EXTEND_TIMEOUT_USEC=") }, "\(systemd.messages)")
        let done = try #require(message.firstMatch(of: /enrolled (\d+)\//).flatMap { Int($0.1) })
        daemon.killAndWait()
        #expect(daemon.log.contains { $0.contains("SIGHUP") || $0.contains("reload") }, "\(daemon.logTail)")
        let saved = try DaemonUnderTest.cachedPhotoCount(daemon.state + "/embeddings.h5")
        #expect(saved >= done, "the cache holds \(saved) photos, \(done) were reported enrolled")
    }

    /// Fault 4: a photo being written is read once it is whole, whatever else happens in the folder meanwhile;
    /// a truncated JPEG is refused as such.
    @Test func aPhotoWrittenSlowlyIsReadWholeAndATruncatedOneIsRefused() async throws {
        let daemon = try await DaemonUnderTest.start(photos: ["obama.jpg", "alex-lacamoire.png"], config: nil, loop: true) {
            let biden = try Data(contentsOf: URL(fileURLWithPath: try TestPaths.required(TestPaths.examplePhotos + "/biden.jpg")))
            try biden.prefix(biden.count / 2).write(to: URL(fileURLWithPath: $0 + "/joe.jpg"))
        }
        #expect(daemon.log.contains { $0.contains("refused gallery photo joe.jpg") && $0.contains("truncated") },
                "\(daemon.logTail)")
        let lin = try Data(contentsOf: URL(fileURLWithPath: try TestPaths.required(TestPaths.examplePhotos + "/lin-manuel-miranda.png")))
        let path = daemon.gallery + "/lin-manuel-miranda.png"
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let writer = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try writer.write(contentsOf: lin.prefix(lin.count / 2))
        // Another photo arrives meanwhile: its rescan must not read the half-written one.
        try daemon.addToGallery("biden.jpg")
        try await daemon.waitForLine("the other photo to be enrolled") { $0.contains("enrolled Biden from biden.jpg") }
        try writer.write(contentsOf: lin.dropFirst(lin.count / 2))
        try writer.close()
        try await daemon.waitForLine("the slowly written photo to be enrolled") {
            $0.contains("enrolled Lin Manuel Miranda from lin-manuel-miranda.png")
        }
        #expect(!daemon.log.contains { $0.contains("refused gallery photo lin-manuel-miranda.png") }, "\(daemon.logTail)")
        try await Self.expectCleanStop(daemon)
    }

    /// Fault 5: the state folder and the embedding cache are the daemon's alone, whatever the umask.
    @Test func whatTheDaemonKeepsAboutFacesIsPrivate() async throws {
        let previous = umask(0o022)
        defer { umask(previous) }
        let daemon = try await DaemonUnderTest.start(photos: ["obama.jpg"], config: nil, loop: true)
        #expect(try DaemonUnderTest.mode(of: daemon.state) == 0o700)
        #expect(try DaemonUnderTest.mode(of: daemon.state + "/embeddings.h5") == 0o600)
        try await Self.expectCleanStop(daemon)
    }

    /// Fault 6: another person's face behind a known name is said, with how far it is from the previous one.
    @Test func aDifferentFaceBehindTheSameNameIsLogged() async throws {
        let daemon = try await DaemonUnderTest.start(photos: [], config: nil, loop: true) {
            try FileManager.default.copyItem(atPath: try TestPaths.required(TestPaths.examplePhotos + "/obama.jpg"),
                                             toPath: $0 + "/mary_jane_smith.jpg")
        }
        let hidden = daemon.gallery + "/.incoming.jpg"
        try FileManager.default.copyItem(atPath: try TestPaths.required(TestPaths.examplePhotos + "/biden.jpg"), toPath: hidden)
        #expect(rename(hidden, daemon.gallery + "/mary_jane_smith.jpg") == 0)
        try await daemon.waitForLine("the line about the changed face") {
            $0.firstMatch(of: /photo of Mary Jane Smith changed: now [0-9.]+ from the previous face/) != nil
        }
        try await Self.expectCleanStop(daemon)
    }

    /// Fault 7: a daemon that cannot start says why at error priority, in words fit for an installed service.
    @Test func startUpFailuresReachTheJournalAsErrors() async throws {
        let missing = try await CommandUnderTest.run(["run", "--config", "/dev/null", "--models", "/nonexistent/models"])
        #expect(missing.status != 0)
        let line = try #require(missing.stderr.split(separator: "\n").first { $0.contains("/nonexistent/models") },
                                "\(missing)")
        #expect(line.hasPrefix("<3>") || line.hasPrefix("<2>"), "\(line)")
        #expect(!missing.stderr.contains("scripts/fetch-models"), "\(missing)")

        let directory = try TestPaths.scratchDirectory("config")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "[speech]\nvoice = \"no-such-voice\"\n".write(toFile: directory + "/bad.toml", atomically: true, encoding: .utf8)
        let check = try await CommandUnderTest.run(["check-config", directory + "/bad.toml"])
        #expect(check.status != 0 && (check.stdout + check.stderr).contains("speech.voice"), "\(check)")
        let run = try await CommandUnderTest.run(["run", "--config", directory + "/bad.toml"])
        #expect(run.status != 0, "\(run)")
        #expect(run.stderr.split(separator: "\n").contains { $0.hasPrefix("<3>") && $0.contains("speech.voice") }, "\(run)")
        // Every line of a daemon's stderr carries a priority, the native libraries' included (ffmpeg on a bad video).
        try Data(repeating: 7, count: 4096).write(to: URL(fileURLWithPath: directory + "/broken.mp4"))
        let video = try await CommandUnderTest.run(["run", "--config", "/dev/null", "--models", try TestPaths.required(TestPaths.models),
                                                    "--gallery", directory, "--state-dir", directory + "/state",
                                                    "--speech", "wav:\(directory)", "--source", directory + "/broken.mp4"])
        #expect(video.status != 0)
        #expect(!video.stderr.isEmpty && video.stderr.split(separator: "\n").allSatisfy { $0.firstMatch(of: /^<[0-7]>/) != nil },
                "\(video)")
    }

    /// Fault 9: one bad input in a batch is named and counted; the rest goes on.
    @Test func badInputsAreCountedNamedAndSkipped() async throws {
        let directory = try TestPaths.scratchDirectory("batch")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let obama = try TestPaths.required(TestPaths.examplePhotos + "/obama.jpg")
        let models = try TestPaths.required(TestPaths.models)
        let embed = try await CommandUnderTest.run(["embed", "--config", "/dev/null", "--models", models,
                                                    directory + "/missing.jpg", obama])
        #expect(embed.stdout.contains("\(obama)#0 "), "\(embed)")
        #expect(embed.stderr.contains("missing.jpg"), "\(embed)")
        // The same photo gives the same embedding from `embed` and from `eval` (the photo detector settings):
        // obama_small.jpg's face is under the camera's 60 px and still found.
        let small = try TestPaths.required(TestPaths.examplePhotos + "/obama_small.jpg")
        let smallEmbed = try await CommandUnderTest.run(["embed", "--config", "/dev/null", "--models", models, small])
        #expect(smallEmbed.stdout.contains("\(small)#0 "), "\(smallEmbed)")
        // `identify` finds the face where `embed` and enrolment find it (the camera's settings put the box elsewhere).
        let lowRes = try TestPaths.required(TestPaths.examplePhotos + "/obama-240p.jpg")
        func firstBox(_ arguments: [String]) async throws -> NSDictionary? {
            let run = try await CommandUnderTest.run(arguments + ["--json", "--config", "/dev/null", "--models", models, lowRes])
            let photos = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]]
            return ((photos?.first?["faces"] as? [[String: Any]])?.first?["box"]) as? NSDictionary
        }
        let boxes = [try await firstBox(["embed"]), try await firstBox(["identify", "--gallery", directory])]
        #expect(boxes[0] != nil && boxes[0] == boxes[1], "embed \(String(describing: boxes[0])), identify \(String(describing: boxes[1]))")

        // eval pairs: LFW layout, one photo missing.
        for name in ["Barack_Obama", "Joe_Biden"] {
            try FileManager.default.createDirectory(atPath: "\(directory)/images/\(name)", withIntermediateDirectories: true)
        }
        for (source, target) in [("obama.jpg", "Barack_Obama/Barack_Obama_0001"), ("obama2.jpg", "Barack_Obama/Barack_Obama_0002"),
                                 ("biden.jpg", "Joe_Biden/Joe_Biden_0001")] {
            try FileManager.default.copyItem(atPath: try TestPaths.required("\(TestPaths.examplePhotos)/\(source)"),
                                             toPath: "\(directory)/images/\(target).jpg")
        }
        try "Barack_Obama 1 2\nJoe_Biden 1 2\nBarack_Obama 1 Joe_Biden 1\nBarack_Obama 2 Joe_Biden 1\n"
            .write(toFile: directory + "/pairs.txt", atomically: true, encoding: .utf8)
        let eval = try await CommandUnderTest.run(["eval", "pairs", "--config", "/dev/null", "--models", models,
                                                   "--pairs", directory + "/pairs.txt", "--images", directory + "/images"])
        #expect(eval.status == 0, "\(eval)")
        #expect((eval.stdout + eval.stderr).contains("Joe_Biden_0002.jpg"), "\(eval)")
        #expect(eval.stdout.contains("3 pairs"), "\(eval)")

        // --source DIR with an empty frame and a FIFO among good ones: named, skipped, the run goes to the end.
        let frames = directory + "/frames"
        try FileManager.default.createDirectory(atPath: frames, withIntermediateDirectories: false)
        for index in 0..<4 { try FileManager.default.copyItem(atPath: obama, toPath: "\(frames)/frame\(index).jpg") }
        #expect(FileManager.default.createFile(atPath: frames + "/frame1b.jpg", contents: nil))
        try DaemonUnderTest.makeFIFO(frames + "/frame2b.jpg")
        let run = try await CommandUnderTest.run(["run", "--config", "/dev/null", "--models", models, "--gallery", directory + "/images",
                                                  "--state-dir", directory + "/state", "--speech", "wav:\(directory)",
                                                  "--source", frames, "--as-fast-as-possible"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.contains("frame1b.jpg") && run.stderr.contains("frame2b.jpg"), "\(run)")
        #expect(run.stderr.contains("stopping: end of"), "\(run)")
    }

    /// Fault 11: control characters from a file name never reach the log raw.
    @Test func escapeSequencesInFileNamesAreEscapedInTheLog() async throws {
        let daemon = try await DaemonUnderTest.start(photos: [], config: nil, loop: true) {
            try Data("not a photo".utf8).write(to: URL(fileURLWithPath: $0 + "/Esc\u{1B}[31mRED.jpg"))
        }
        let line = try #require(daemon.log.first { $0.contains("31mRED") }, "\(daemon.logTail)")
        #expect(!line.contains("\u{1B}"), "\(line)")
        #expect(line.contains("\\u{1B}[31mRED") || line.contains("\\x1b[31mRED") || line.contains("\\e[31mRED"), "\(line)")
        try await Self.expectCleanStop(daemon)
    }

    /// Fault 11: with --loop the daemon is ready once, not once per pass.
    @Test func loopingSaysReadyOnce() async throws {
        let systemd = try NotifySocket()
        let daemon = try await DaemonUnderTest.start(photos: ["obama.jpg"], config: nil, loop: true,
                                                     environment: ["NOTIFY_SOCKET": systemd.path])
        try await daemon.waitUntil("the clip's second pass") {
            daemon.log.contains { $0.contains("playing it again") } || daemon.log.filter { $0.contains("ready: ") }.count > 1
        }
        #expect(daemon.log.filter { $0.contains("ready: ") }.count == 1, "\(daemon.logTail)")
        #expect(systemd.receive().filter { $0 == "READY=1" }.count == 1, "\(systemd.messages)")
        try await Self.expectCleanStop(daemon)
    }
}

/// A short-lived `door-greeter` command as a child process, with its output.
struct CommandUnderTest: CustomStringConvertible {
    let status: Int32
    let stdout: String
    let stderr: String

    var description: String { "exit status \(status)\n--- stdout:\n\(stdout)\n--- stderr:\n\(stderr)" }

    /// Runs to the end; a command that makes no progress (no output) for `DaemonUnderTest.patience` is killed and fails.
    static func run(_ arguments: [String], environment: [String: String] = [:],
                    sourceLocation: SourceLocation = #_sourceLocation) async throws -> CommandUnderTest {
        let directory = try TestPaths.scratchDirectory("command")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try TestPaths.daemon())
        process.arguments = arguments
        var inherited = ProcessInfo.processInfo.environment
        for name in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"] { inherited[name] = nil }
        process.environment = inherited.merging(environment) { $1 }
        let (out, err) = (directory + "/stdout", directory + "/stderr")
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        process.standardInput = FileHandle.nullDevice
        try process.run()
        var size = 0
        var deadline = Date().addingTimeInterval(DaemonUnderTest.patience)
        while process.isRunning {
            let now = (DaemonUnderTest.fileSize(out) ?? 0) + (DaemonUnderTest.fileSize(err) ?? 0)
            if now != size { (size, deadline) = (now, Date().addingTimeInterval(DaemonUnderTest.patience)) }
            if Date() > deadline {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                let what = "door-greeter \(arguments.joined(separator: " ")) made no progress for "
                    + "\(Int(DaemonUnderTest.patience)) s: killed"
                Issue.record("\(what)", sourceLocation: sourceLocation)
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        let read = { (path: String) in (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        return CommandUnderTest(status: process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus,
                                stdout: read(out), stderr: read(err))
    }
}

