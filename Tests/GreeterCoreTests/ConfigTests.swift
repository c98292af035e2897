import Foundation
import Testing

@testable import GreeterCore

@Suite struct ConfigTests {
    /// The repo's door-greeter.toml, three levels above this file.
    static let examplePath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("door-greeter.toml").path

    /// The problems `text` gives; fails the test if it parses.
    func problems(_ text: String) -> [ConfigError.Problem] {
        do {
            let config = try Config.parse(text, source: "test.toml")
            Issue.record("expected problems, got \(config)")
            return []
        } catch {
            return error.problems
        }
    }

    @Test func exampleFileIsTheDefaultConfig() throws {
        #expect(try Config.load(path: Self.examplePath) == Config())
    }

    @Test func exampleFileWritesOutEveryKey() throws {
        var written: Set<String> = []
        var table = ""
        for line in try String(contentsOfFile: Self.examplePath, encoding: .utf8).split(separator: "\n")
        where !line.hasPrefix("#") {
            if line.hasPrefix("[") {
                table = String(line.dropFirst().dropLast())
                written.insert(table)
            } else if let equals = line.firstIndex(of: "=") {
                written.insert(table + "." + line[..<equals].trimmingCharacters(in: .whitespaces))
            }
        }
        #expect(Config.schemaKeys.count == 57)
        #expect(Set(Config.schemaKeys).subtracting(written).isEmpty)
    }

    @Test func emptyTextIsTheDefaultConfig() throws {
        #expect(try Config.parse("", source: "empty.toml") == Config())
        #expect(Config().modelWarnings.isEmpty)
    }

    /// The distances of the old FaceNet default config: its threshold and masked threshold do not fit SFace (its
    /// margin and duplicate distance still do): one warning for each that does not fit, naming the key.
    @Test func distancesWrittenForAnotherModelAreOneWarningEach() throws {
        let faceNet = try Config.parse("""
            [gallery]
            duplicate_distance = 0.6
            [recognition]
            threshold = 1.0
            ambiguity_margin = 0.08
            masked_threshold = 0.75
            """, source: "old.toml")
        let warnings = faceNet.modelWarnings
        #expect(warnings.count == 2, "\(warnings)")
        #expect(warnings.contains { $0.hasPrefix("recognition.masked_threshold = 0.75 does not fit the SFace embeddings") })
        #expect(warnings.contains { $0.hasPrefix("recognition.threshold = 1.0 ") })
    }

    @Test func readsEveryKindOfValue() throws {
        let config = try Config.parse(
            """
            camera.device = "/dev/v4l/by-id/usb-cam-video-index0"
            [detection]
            thresholds = [0.5, 1, 0.9]  # an integer is a number too
            model = "mtcnn"
            [recognition]
            threshold = 1  # likewise
            alignment = "crop"
            [greeting]
            cooldown_minutes = 0.5
            quiet_hours = "22:30-07:00"
            [greeting.people]
            "Mary Jane Smith" = "Hi {name}"
            Ben = "Hello boss"
            [speech]
            output = "wav:/tmp/speech"
            [log]
            level = "debug"
            """, source: "test.toml")
        var expected = Config()
        expected.camera.device = "/dev/v4l/by-id/usb-cam-video-index0"
        expected.detection.thresholds = [0.5, 1, 0.9]
        expected.detection.model = .mtcnn
        expected.recognition.threshold = 1
        expected.recognition.alignment = .crop
        expected.greeting.cooldownMinutes = 0.5
        expected.greeting.quietHours = try? QuietHours(parsing: "22:30-07:00")
        expected.greeting.people = ["Mary Jane Smith": "Hi {name}", "Ben": "Hello boss"]
        expected.speech.output = .wav(directory: "/tmp/speech")
        expected.log.level = .debug
        #expect(config == expected)
        #expect(config.greeting.quietHours?.start == 22 * 60 + 30)
        #expect(config.speech.output.description == "wav:/tmp/speech")
    }

    /// One bad value each: the key, the value as written, and the words that must be in the message.
    static let badValues: [(toml: String, key: String, found: String, says: [String])] = [
        ("[camera]\nwidth = \"640\"", "camera.width", "\"640\"", ["wrong type", "an integer in 160...3840"]),
        ("[camera]\nwidth = 640.0", "camera.width", "640.0", ["wrong type", "an integer in 160...3840"]),
        ("[camera]\nfps = 0", "camera.fps", "0", ["out of range", "an integer in 1...120"]),
        ("[recognition]\nthreshold = 2.5", "recognition.threshold", "2.5", ["out of range", "a number in 0...2"]),
        ("[detection]\nscale_factor = nan", "detection.scale_factor", "nan", ["out of range", "0.5...0.95"]),
        ("[motion]\nenabled = \"yes\"", "motion.enabled", "\"yes\"", ["wrong type", "true or false"]),
        ("[speech]\nvoice = 5", "speech.voice", "5", ["wrong type", "an eSpeak NG voice"]),
        ("[speech]\nvoice = \"no-such-voice\"", "speech.voice", "\"no-such-voice\"", ["no such voice", "espeak-ng --voices"]),
        (
            "[recognition]\nalignment = \"affine\"", "recognition.alignment", "\"affine\"",
            ["unknown choice", "one of \"crop\", \"similarity\""]
        ),
        (
            "[log]\nlevel = \"verbose\"", "log.level", "\"verbose\"",
            ["unknown choice", "\"debug\", \"info\", \"notice\", \"warning\", \"error\""]
        ),
        (
            "[models]\ndirectory = \"models\"", "models.directory", "\"models\"",
            ["not absolute, expected an absolute path (starting with /)"]
        ),
        (
            "[camera]\ndevice = \"\"", "camera.device", "\"\"",
            ["not absolute, expected an absolute path (starting with /)"]
        ),
        (
            "[greeting]\nquiet_hours = \"25:00-07:00\"", "greeting.quiet_hours", "\"25:00-07:00\"",
            ["not a valid time range", "HH:MM-HH:MM"]
        ),
        ("[greeting]\nquiet_hours = \"22:00\"", "greeting.quiet_hours", "\"22:00\"", ["not a valid time range"]),
        (
            "[greeting]\nquiet_hours = \"12:00-12:00\"", "greeting.quiet_hours", "\"12:00-12:00\"",
            ["not a valid time range"]
        ),
        (
            "[greeting]\nquiet_hours = \"22:00-22:00\"", "greeting.quiet_hours", "\"22:00-22:00\"",
            ["start and end different"]
        ),
        ("[greeting]\ntemplate = \"Hello\"", "greeting.template", "\"Hello\"", ["no {names} placeholder"]),
        ("[greeting.people]\nBen = 5", "greeting.people.Ben", "5", ["wrong type", "a string"]),
        ("[greeting]\npeople = \"Ben\"", "greeting.people", "\"Ben\"", ["wrong type", "a table"]),
        (
            "[speech]\noutput = \"wav:out\"", "speech.output", "\"wav:out\"",
            ["not a valid output", "\"wav:/absolute/dir\""]
        ),
        ("[speech]\noutput = \"speaker\"", "speech.output", "\"speaker\"", ["not a valid output", "\"audio\""]),
        ("[detection]\nthresholds = [0.6, 0.7]", "detection.thresholds", "[0.6, 0.7]", ["wrong length", "3 numbers"]),
        (
            "[detection]\nthresholds = [0.6, 1.5, 0.7]", "detection.thresholds", "[0.6, 1.5, 0.7]",
            ["out of range", "each in 0...1"]
        ),
        ("[detection]\nthresholds = [0.6, \"a\", 0.7]", "detection.thresholds", "[0.6, \"a\", 0.7]", ["wrong type"]),
        ("camera = 5", "camera", "5", ["wrong type", "a table ([camera])"]),
    ]

    @Test(arguments: badValues)
    func badValueNamesKeyValueAndWhatIsAllowed(_ bad: (toml: String, key: String, found: String, says: [String])) {
        let found = problems(bad.toml)
        #expect(found.count == 1)
        guard let problem = found.first else { return }
        #expect(problem.file == "test.toml")
        #expect(problem.key == bad.key)
        #expect(problem.found == bad.found)
        #expect(problem.line == bad.toml.split(separator: "\n").count)
        for words in bad.says {
            #expect(problem.message.contains(words), "\(problem)")
        }
    }

    @Test func everyProblemIsReportedInFileOrder() {
        let text = """
            [camera]
            width = 10
            height = "tall"

            [recognition]
            treshold = 0.9
            alignment = "affine"

            [speech]
            rate = 1000
            """
        let found = problems(text)
        #expect(
            found.map(\.key) == [
                "camera.width", "camera.height", "recognition.treshold", "recognition.alignment", "speech.rate",
            ])
        #expect(found.map(\.line) == [2, 3, 6, 7, 10])
        let description = ConfigError(problems: found).description
        #expect(description.split(separator: "\n").count == 5)
        #expect(
            description.hasPrefix("test.toml:2: camera.width = 10: out of range, expected an integer in 160...3840\n"))
    }

    /// TOMLKit gives no lines for values, so they are found by scanning the text: check the awkward cases.
    @Test func linesAreFoundPastMultilineStringsAndInCRLFFiles() {
        let text = "[greeting]\r\nunknown = \"\"\"\r\nrate = 1\r\n\"\"\"\r\n[speech]\r\nrate = 1\r\nvoice.x = 1\r\n"
        let found = problems(text)
        #expect(found.map(\.key) == ["speech.rate", "speech.voice"])
        #expect(found.map(\.line) == [6, 7])
        #expect(found.last?.found == "{ x = 1 }")
    }

    /// TOMLKit's table iterator would crash on this key.
    @Test func keyWithNULIsAProblemNotACrash() {
        #expect(problems("[greeting.people]\n\"A\\u0000B\" = \"hi\"").first?.message.contains("NUL") == true)
        #expect(problems("\"A\\u0000B\" = { x = 1 }").first?.message.contains("NUL") == true)
    }

    @Test func unknownKeysSuggestTheNearestKnownOne() {
        let cases: [(toml: String, key: String, says: String)] = [
            (
                "[recognition]\ntreshold = 0.9", "recognition.treshold",
                "unknown key, did you mean `recognition.threshold`?"
            ),
            ("[recogniton]\nthreshold = 0.9", "recogniton", "unknown table, did you mean `recognition`?"),
            ("threshold = 0.9", "threshold", "unknown key, did you mean `recognition.threshold`?"),
            ("[greeting]\ncooldown = 5", "greeting.cooldown", "unknown key, did you mean `greeting.cooldown_minutes`?"),
            (
                "[tracking]\nlost_after = 900", "tracking.lost_after",
                "unknown key, did you mean `tracking.lost_after_ms`?"
            ),
            (
                "[camera]\nresolution = \"hd\"", "camera.resolution",
                "unknown key, expected one of: device, width, height, fps"
            ),
        ]
        for (toml, key, says) in cases {
            let found = problems(toml)
            #expect(found.map(\.key) == [key])
            #expect(found.first?.message == says)
        }
    }

    @Test func votesMustFitTheWindow() {
        let both = problems("[decision]\nvotes = 6\nwindow = 5")
        #expect(both.map(\.key) == ["decision.votes"])
        #expect(both.first?.message == "more than decision.window = 5, expected votes (K) <= window (N)")
        #expect(both.first?.line == 2)

        let windowOnly = problems("[decision]\nwindow = 2")
        #expect(windowOnly.map(\.key) == ["decision.window"])
        #expect(windowOnly.first?.found == "2")

        // A rejected value is not compared again: one problem, not two.
        #expect(problems("[decision]\nvotes = 100\nwindow = 2").map(\.key) == ["decision.votes"])
        #expect(throws: Never.self) { try Config.parse("[decision]\nvotes = 5\nwindow = 5", source: "test.toml") }
    }

    @Test func syntaxErrorGivesFileLineAndTOMLKitsMessage() {
        let found = problems("[camera]\nwidth = 640\nheight = = 480\n")
        #expect(found.count == 1)
        #expect(found.first?.line == 3)
        #expect(found.first?.key == nil)
        #expect(found.first?.description.hasPrefix("test.toml:3: TOML syntax error at column") == true)
    }

    @Test func missingFileSaysSo() {
        let path = "/nonexistent/door-greeter.toml"
        let error = #expect(throws: ConfigError.self) { try Config.load(path: path) }
        #expect(error?.description == "\(path): cannot read the config file: no such file or directory")

        let directory = #expect(throws: ConfigError.self) { try Config.load(path: "/tmp") }
        #expect(directory?.description == "/tmp: cannot read the config file: a folder, not a regular file")
    }

    /// A FIFO named as the config is refused at once: a blocking open would wait for a writer forever.
    @Test func aFIFOIsRefusedWithoutWaiting() throws {
        let path = NSTemporaryDirectory() + "door-greeter-config-fifo-\(getpid()).toml"
        unlink(path)
        try #require(mkfifo(path, 0o600) == 0)
        defer { unlink(path) }
        let error = #expect(throws: ConfigError.self) { try Config.load(path: path) }
        #expect(error?.description == "\(path): cannot read the config file: a FIFO, not a regular file")
        #expect(try Config.load(path: "/dev/null") == Config())
    }

    @Test func quietHoursMayWrapMidnight() throws {
        let night = try #require(try? QuietHours(parsing: "22:00-07:00"))
        #expect(night.contains(minuteOfDay: 22 * 60))
        #expect(night.contains(minuteOfDay: 0))
        #expect(night.contains(minuteOfDay: 7 * 60 - 1))
        #expect(!night.contains(minuteOfDay: 7 * 60))
        #expect(!night.contains(minuteOfDay: 12 * 60))
        #expect(night.description == "22:00-07:00")

        let lunch = try #require(try? QuietHours(parsing: "12:00-13:30"))
        #expect(lunch.contains(minuteOfDay: 12 * 60 + 45))
        #expect(!lunch.contains(minuteOfDay: 13 * 60 + 30))
        #expect(!lunch.contains(minuteOfDay: 23 * 60))
        #expect((try? QuietHours(parsing: "+1:00-02:00")) == nil)
    }
}
