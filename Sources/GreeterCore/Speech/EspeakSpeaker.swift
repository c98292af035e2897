import Synchronization

/// Says greetings with eSpeak NG, in-process through libespeak-ng: on the default sound device (`audio`) or
/// as one WAV file per greeting (`wav:DIR`). Safe to use from any thread; calls into the library are
/// serialized by the process-wide `EspeakEngine`, and each speaker keeps its own settings.
public final class EspeakSpeaker: Speaker {
    private let engine: EspeakEngine
    private let current: Mutex<SpeechSettings>
    private let files = Mutex(UtteranceFiles())

    /// Fails when eSpeak NG cannot start or `settings` cannot be applied (see `apply`).
    public init(settings: SpeechSettings = SpeechSettings()) throws(SpeechError) {
        engine = try EspeakEngine.shared.get()
        try Self.check(settings, on: engine)
        current = Mutex(settings)
    }

    /// The settings in use.
    public var settings: SpeechSettings { current.withLock { $0 } }

    /// Switches to new settings, for a config reload. Everything is checked first (ranges, that the voice
    /// exists, that the WAV directory can be created); on any error the old settings stay in use.
    public func apply(_ settings: SpeechSettings) throws(SpeechError) {
        try Self.check(settings, on: engine)
        current.withLock { $0 = settings }
    }

    /// Speaks `text` as plain words (never as SSML, phonemes or embedded commands) and returns once it has been
    /// played, or written to its WAV file.
    public func say(_ text: String) throws(SpeechError) -> Utterance {
        let spoken = SpeechText.plain(text)
        guard !spoken.isEmpty else { throw .nothingToSay(text) }
        let settings = self.settings
        switch settings.output {
        case .audio:
            let start = MonotonicClock.now()
            _ = try engine.synthesize(spoken, with: settings)
            return Utterance(text: spoken, duration: MonotonicClock.now() - start, file: nil)
        case .wav(let directory):
            let synthesis = try engine.synthesize(spoken, with: settings)
            let wav = WAVFile(sampleRate: engine.sampleRate, samples: synthesis.samples)
            let path = try files.withLock { (files) throws(SpeechError) in
                try files.store(wav, text: spoken, in: directory)
            }
            return Utterance(text: spoken, duration: wav.duration, file: path, firstSample: synthesis.firstSample)
        }
    }

    /// Gets the output ready before the first greeting needs it: one silent synthesis, which for `audio` opens
    /// the sound device (libespeak-ng then keeps it open), so a greeting starts without waiting for it.
    public func warmUp() throws(SpeechError) {
        _ = try engine.synthesize(" ", with: settings)
    }

    private static func check(_ settings: SpeechSettings, on engine: EspeakEngine) throws(SpeechError) {
        try settings.validate()
        if case .wav(let directory) = settings.output { try UtteranceFiles.prepare(directory: directory) }
        try engine.prepare(settings)
    }
}
