import Foundation
import Testing

@testable import GreeterCore

/// A fresh directory for one test's WAV files, removed afterwards.
private func withWAVDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("speech-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: directory) }
    return try body(directory)
}

private func wavFiles(in directory: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
}

/// Whether this machine looks able to play sound. libespeak-ng keeps a sound device open for the whole process
/// once playback has worked, after which `wav:` output is refused, so the audio test only runs where playback
/// is expected to fail.
private let soundDeviceLikely: Bool = {
    let environment = ProcessInfo.processInfo.environment
    let pulseSocket = environment["XDG_RUNTIME_DIR"].map { "\($0)/pulse/native" }
    return FileManager.default.fileExists(atPath: "/dev/snd") || environment["PULSE_SERVER"] != nil
        || pulseSocket.map(FileManager.default.fileExists(atPath:)) ?? false
}()

@Suite("Speech (eSpeak NG)")
struct SpeechTests {
    @Test func welcomeSentenceBecomesAPlausibleWAVFile() throws {
        try withWAVDirectory { directory in
            let speaker: any Speaker = try EspeakSpeaker(settings: SpeechSettings(output: .wav(directory: directory)))
            let utterance = try speaker.say("Welcome Lin-Manuel Miranda")

            let path = try #require(utterance.file)
            let name = URL(fileURLWithPath: path).lastPathComponent
            #expect(URL(fileURLWithPath: path).deletingLastPathComponent().path == directory)
            #expect(name.wholeMatch(of: /\d{8}-\d{6}\.\d{3}-welcome-lin-manuel-miranda\.wav/) != nil, "\(name)")
            #expect(try wavFiles(in: directory) == [name], "no temporary file is left behind")

            let wav = try WAVFile(contentsOf: path)
            #expect(wav.sampleRate == 22050)
            #expect((1.0...5.0).contains(wav.duration), "duration \(wav.duration) s")
            #expect(wav.rms > 1000, "RMS \(wav.rms)")
            #expect(utterance.duration == wav.duration)
            #expect(utterance.text == "Welcome Lin-Manuel Miranda")
            #expect(utterance.firstSample != nil, "the time to the first sample is known for wav: output")
        }
    }

    @Test func warmingUpSpeaksNothingAndWritesNoFile() throws {
        try withWAVDirectory { directory in
            let speaker = try EspeakSpeaker(settings: SpeechSettings(output: .wav(directory: directory)))
            try speaker.warmUp()
            #expect(try wavFiles(in: directory).isEmpty)
            #expect(try speaker.say("Hello").file != nil)
        }
    }

    @Test func rateAndVolumeChangesTakeEffect() throws {
        try withWAVDirectory { directory in
            let slow = SpeechSettings(rate: 100, volume: 50, output: .wav(directory: directory))
            let speaker = try EspeakSpeaker(settings: slow)
            let first = try WAVFile(contentsOf: try #require(try speaker.say("Welcome Lin-Manuel Miranda").file))

            var fast = slow
            fast.rate = 300
            fast.volume = 150
            try speaker.apply(fast)
            #expect(speaker.settings == fast)
            let second = try WAVFile(contentsOf: try #require(try speaker.say("Welcome Lin-Manuel Miranda").file))

            #expect(second.duration * 1.5 < first.duration, "rate 100: \(first.duration) s, 300: \(second.duration) s")
            #expect(second.rms > first.rms * 1.5, "volume 50: RMS \(first.rms), 150: RMS \(second.rms)")
        }
    }

    @Test func unknownVoiceIsRejectedAndTheOldSettingsStay() throws {
        try withWAVDirectory { directory in
            let settings = SpeechSettings(voice: "en", output: .wav(directory: directory))
            let speaker = try EspeakSpeaker(settings: settings)
            var changed = settings
            changed.voice = "xx-no-such-voice"
            changed.rate = 300

            let error = #expect(throws: SpeechError.self) { try speaker.apply(changed) }
            #expect(error == .unknownVoice("xx-no-such-voice"))
            #expect(error?.description.contains("\"xx-no-such-voice\"") == true, "\(String(describing: error))")
            #expect(speaker.settings == settings)
            #expect(try speaker.say("Hello").file != nil)

            #expect(throws: SpeechError.unknownVoice("xx-no-such-voice")) { try EspeakSpeaker(settings: changed) }
        }
    }

    @Test func otherVoicesWork() throws {
        try withWAVDirectory { directory in
            let speaker = try EspeakSpeaker(settings: SpeechSettings(voice: "de", output: .wav(directory: directory)))
            let wav = try WAVFile(contentsOf: try #require(try speaker.say("Willkommen Jürgen").file))
            #expect(wav.rms > 1000)
            try speaker.apply(SpeechSettings(voice: "en-us", output: .wav(directory: directory)))
            #expect(try speaker.say("Welcome").duration > 0)
        }
    }

    @Test func numbersOutOfRangeAreRejectedByName() throws {
        #expect(throws: SpeechError.outOfRange(key: "speech.rate", value: 500, range: 80...450)) {
            try SpeechSettings(rate: 500).validate()
        }
        #expect(throws: SpeechError.outOfRange(key: "speech.volume", value: -1, range: 0...200)) {
            try SpeechSettings(volume: -1).validate()
        }
        #expect(throws: SpeechError.outOfRange(key: "speech.pitch", value: 100, range: 0...99)) {
            try SpeechSettings(pitch: 100).validate()
        }
        #expect(
            SpeechError.outOfRange(key: "speech.rate", value: 500, range: 80...450).description
                == "speech.rate = 500 is out of range 80...450")

        try withWAVDirectory { directory in
            let settings = SpeechSettings(output: .wav(directory: directory))
            let speaker = try EspeakSpeaker(settings: settings)
            #expect(throws: SpeechError.outOfRange(key: "speech.rate", value: 79, range: 80...450)) {
                try speaker.apply(SpeechSettings(rate: 79, output: settings.output))
            }
            #expect(speaker.settings == settings)
        }
    }

    @Test func outputParsesTheConfigForm() throws {
        #expect(try SpeechOutput(parsing: "audio") == .audio)
        #expect(try SpeechOutput(parsing: "wav:/srv/greetings") == .wav(directory: "/srv/greetings"))
        #expect(SpeechOutput.wav(directory: "/tmp/x").description == "wav:/tmp/x")
        #expect(SpeechSettings() == SpeechSettings(voice: "en", rate: 160, volume: 100, pitch: 50, output: .audio))
    }

    @Test(arguments: ["", "Audio", " audio", "wav", "wav:", "wav:relative/dir", "mp3:/tmp", "/tmp/speech"])
    func badOutputIsRejectedWithTheValue(text: String) {
        #expect(throws: SpeechError.invalidOutput(text)) { try SpeechOutput(parsing: text) }
        #expect(
            SpeechError.invalidOutput(text).description
                == "speech output \"\(text)\" is not valid: expected \"audio\" or \"wav:/absolute/dir\"")
    }

    @Test func wavDirectoryThatCannotBeCreatedIsRejected() throws {
        let directory = "/proc/door-greeter-speech"
        let error = #expect(throws: SpeechError.self) {
            try EspeakSpeaker(settings: SpeechSettings(output: .wav(directory: directory)))
        }
        guard case .wavDirectory(let path, _) = error else {
            Issue.record("expected a WAV directory error, got \(String(describing: error))")
            return
        }
        #expect(path == directory)
    }

    @Test(arguments: ["<speak>", "[[h@l'oU]]", "<voice name=\"de\">Max</voice>", "&lt;Max&gt;"])
    func hostileNamesAreSpokenAsPlainText(text: String) throws {
        try withWAVDirectory { directory in
            let speaker = try EspeakSpeaker(settings: SpeechSettings(output: .wav(directory: directory)))
            let utterance = try speaker.say(text)
            #expect(!utterance.text.unicodeScalars.contains { $0.properties.generalCategory == .control })
            let wav = try WAVFile(contentsOf: try #require(utterance.file))
            // Markup read aloud is heard; markup obeyed would be silent (a bare <speak>) or a different voice.
            #expect(wav.rms > 500, "RMS \(wav.rms) for \(String(reflecting: text))")
            #expect(wav.duration > 0.3)
        }
    }

    @Test func controlCharactersAreStrippedAndSpacesCollapsed() throws {
        #expect(SpeechText.plain("Ana\u{0}\u{1}300S\u{7}\n\tBell\u{1B}[31m") == "Ana 300S Bell [31m")
        #expect(SpeechText.plain("  Zoë\u{2028}O'Neil  ") == "Zoë O'Neil")
        try withWAVDirectory { directory in
            let speaker = try EspeakSpeaker(settings: SpeechSettings(output: .wav(directory: directory)))
            // NUL would end the C string early; Ctrl-A 300S would be an embedded speed command.
            let utterance = try speaker.say("Ana\u{0}\u{1}300S\u{7}\n\tBell\u{1B}[31m")
            #expect(utterance.text == "Ana 300S Bell [31m")
            #expect(try WAVFile(contentsOf: try #require(utterance.file)).rms > 500)
        }
        #expect(throws: SpeechError.nothingToSay("\u{1}\n ")) {
            try withWAVDirectory { directory in
                try EspeakSpeaker(settings: SpeechSettings(output: .wav(directory: directory))).say("\u{1}\n ")
            }
        }
    }

    @Test func filesSortByTimeAndNeverOverwrite() throws {
        try withWAVDirectory { directory in
            let speaker = try EspeakSpeaker(settings: SpeechSettings(rate: 450, output: .wav(directory: directory)))
            let paths = try (0..<3).map { _ in try #require(try speaker.say("Hi Ana").file) }
            let names = paths.map { URL(fileURLWithPath: $0).lastPathComponent }
            #expect(Set(names).count == 3, "\(names)")
            #expect(names == names.sorted(), "\(names)")
            #expect(try wavFiles(in: directory) == names)
        }
    }

    @Test func fileNamesCarryUTCTimeAndTheWords() {
        #expect(UtteranceFiles.timestamp(0) == "19700101-000000.000")
        #expect(UtteranceFiles.timestamp(1_795_431_901_123) == "20261123-110501.123")
        #expect(UtteranceFiles.slug("Welcome Zoë O'Neil!") == "welcome-zoe-o-neil")
        #expect(UtteranceFiles.slug("欢迎 李小龙") == "speech")
        #expect(UtteranceFiles.slug(String(repeating: "abcdefghij ", count: 10)).count <= 48)
    }

    @Test func wavFilesRoundTripAndOtherFilesAreRefused() throws {
        try withWAVDirectory { directory in
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let wav = WAVFile(sampleRate: 16000, samples: [0, 1, -1, .max, .min, 1234])
            let path = "\(directory)/tone.wav"
            try Data(wav.encoded()).write(to: URL(fileURLWithPath: path))
            #expect(try WAVFile(contentsOf: path) == wav)

            let notWAV = "\(directory)/notes.txt"
            try Data("hello".utf8).write(to: URL(fileURLWithPath: notWAV))
            #expect(throws: SpeechError.wavFile(path: notWAV, reason: "not a RIFF/WAVE file")) {
                try WAVFile(contentsOf: notWAV)
            }
        }
    }

    @Test(.enabled(if: !soundDeviceLikely, "this machine seems to have a sound device; not opening it from tests"))
    func audioWithoutSoundDeviceFailsClearlyThenWAVStillWorks() throws {
        try withWAVDirectory { directory in
            let speaker = try EspeakSpeaker(settings: SpeechSettings(output: .audio))
            do throws(SpeechError) {
                let utterance = try speaker.say("Hello")
                print("note: audio output played for \(utterance.duration) s: there is a sound device; check skipped")
                return
            } catch {
                guard case .noSoundDevice = error else {
                    Issue.record("expected a sound device error, got: \(error)")
                    return
                }
                #expect(error.description.contains("sound device"), "\(error)")
                #expect(error.description.contains("wav:"), "the message suggests the alternative: \(error)")
            }
            try speaker.apply(SpeechSettings(output: .wav(directory: directory)))
            #expect(try speaker.say("Hello").file != nil)
        }
    }
}
