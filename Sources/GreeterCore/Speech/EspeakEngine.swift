import CEspeakNG
import Synchronization

/// The one libespeak-ng of this process. The library keeps its voice, parameters and output mode in C globals,
/// so this is their only owner: every call into it runs inside `state.withLock`, one at a time, and each
/// synthesis first sets the voice, prosody and output mode its settings ask for (only what differs).
final class EspeakEngine: Sendable {
    /// Started on first use and never stopped: libespeak-ng 1.51 hangs in `espeak_ng_Terminate` once it has
    /// been initialized a second time, so one initialization must last the whole process.
    static let shared = Result { () throws(SpeechError) -> EspeakEngine in try EspeakEngine() }

    /// Samples per second of everything eSpeak NG produces (22050 for its own voices).
    let sampleRate: Int
    private let state = Mutex(State())

    private struct Prosody: Equatable {
        let voice: String
        let rate: Int
        let volume: Int
        let pitch: Int
    }

    private enum Mode {
        /// Samples come back through the synth callback (for `wav:` output).
        case collect
        /// eSpeak NG plays them on the default sound device before `espeak_ng_Synthesize` returns
        /// (AUDIO_OUTPUT_SYNCH_PLAYBACK in the old API).
        case play

        var espeakMode: espeak_ng_OUTPUT_MODE {
            switch self {
            case .collect: return ENOUTPUT_MODE_SYNCHRONOUS
            case .play:
                return espeak_ng_OUTPUT_MODE(ENOUTPUT_MODE_SYNCHRONOUS.rawValue | ENOUTPUT_MODE_SPEAK_AUDIO.rawValue)
            }
        }
    }

    private struct State {
        var prosody: Prosody?
        var mode = Mode.collect
        /// Set once playback has worked. From then on libespeak-ng keeps the device open and, after any change
        /// of output mode, tries to open it again, which fails (EEXIST) for the rest of the process.
        var deviceOpened = false
    }

    /// Collects the samples of one synthesis; reached from the C callback through espeak's `user_data`.
    private final class SampleSink {
        var samples: [Int16] = []
        /// When the first samples came out (the first buffer of about 60 ms), on the monotonic clock.
        var firstSampleAt: Double?
    }

    /// What one synthesis produced.
    struct Synthesis {
        /// The samples for `wav:` output; empty for `audio`, which has played them.
        let samples: [Int16]
        /// Seconds from the call to the first samples; nil for `audio`, where libespeak-ng hands them to the
        /// sound device without a callback.
        let firstSample: Double?
    }

    private init() throws(SpeechError) {
        espeak_ng_InitializePath(nil)  // the data directory built into the library (or $ESPEAK_DATA_PATH)
        var context: espeak_ng_ERROR_CONTEXT?
        let status = espeak_ng_Initialize(&context)
        espeak_ng_ClearErrorContext(&context)
        guard status == ENS_OK else {
            var dataPath: UnsafePointer<CChar>?
            _ = espeak_Info(&dataPath)
            let path = dataPath.map { String(cString: $0) } ?? "its data directory"
            throw .engineFailed("cannot load \(path): \(Self.message(status))")
        }
        let output = espeak_ng_InitializeOutput(Mode.collect.espeakMode, 0, nil)  // as `State` starts
        guard output == ENS_OK else { throw .engineFailed("cannot set up its output: \(Self.message(output))") }
        espeak_SetSynthCallback { samples, count, events in
            // Every event list, even the final one with no samples, carries the user_data of its synthesis.
            guard let userData = events?.pointee.user_data else { return 0 }
            let sink = Unmanaged<SampleSink>.fromOpaque(userData).takeUnretainedValue()
            if let samples, count > 0 {
                if sink.firstSampleAt == nil { sink.firstSampleAt = MonotonicClock.now() }
                sink.samples.append(contentsOf: UnsafeBufferPointer(start: samples, count: Int(count)))
            }
            return 0  // 0 = go on
        }
        sampleRate = Int(espeak_ng_GetSampleRate())
    }

    /// Whether eSpeak NG has a voice by this name. Selecting it is the only sure test (names, languages and
    /// variants such as `en+f3` are all accepted); the next synthesis selects its own voice again.
    func hasVoice(_ name: String) -> Bool {
        state.withLock { state in
            state.prosody = nil
            return espeak_ng_SetVoiceByName(name) == ENS_OK
        }
    }

    /// Gets eSpeak NG ready for `settings` without speaking, so a bad voice or an impossible output change is
    /// reported when settings are applied rather than at the next greeting.
    func prepare(_ settings: SpeechSettings) throws(SpeechError) {
        try state.withLock { (state) throws(SpeechError) in try Self.configure(&state, for: settings) }
    }

    /// Speaks `text`, which must already be plain (see `SpeechText`). Returns the samples for `wav:` output;
    /// for `audio` returns once playback has finished.
    func synthesize(_ text: String, with settings: SpeechSettings) throws(SpeechError) -> Synthesis {
        try state.withLock { (state) throws(SpeechError) -> Synthesis in
            try Self.configure(&state, for: settings)
            let sink = SampleSink()
            let start = MonotonicClock.now()
            // Plain UTF-8 text only: without espeakSSML and espeakPHONEMES, "<...>" and "[[...]]" are just read.
            let flags = UInt32(espeakCHARS_UTF8 | espeakENDPAUSE)
            let status = withExtendedLifetime(sink) {
                text.withCString {
                    espeak_ng_Synthesize(
                        $0, text.utf8.count + 1, 0, POS_CHARACTER, 0, flags, nil,
                        Unmanaged.passUnretained(sink).toOpaque())
                }
            }
            switch status {
            case ENS_OK:
                if state.mode == .play { state.deviceOpened = true }
                return Synthesis(samples: sink.samples, firstSample: sink.firstSampleAt.map { $0 - start })
            case ENS_AUDIO_ERROR:
                throw .noSoundDevice(Self.message(status))
            default:
                throw .synthesisFailed(text: text, reason: Self.message(status))
            }
        }
    }

    private static func configure(_ state: inout State, for settings: SpeechSettings) throws(SpeechError) {
        let mode = settings.output == .audio ? Mode.play : .collect
        if mode != state.mode {
            guard !state.deviceOpened else { throw .outputSwitchNeedsRestart(from: .audio, to: settings.output) }
            let status = espeak_ng_InitializeOutput(mode.espeakMode, 0, nil)
            guard status == ENS_OK else {
                throw .engineFailed("cannot switch output to \(settings.output): \(message(status))")
            }
            state.mode = mode
        }

        let prosody = Prosody(
            voice: settings.voice, rate: settings.rate, volume: settings.volume, pitch: settings.pitch)
        guard prosody != state.prosody else { return }
        let previous = state.prosody
        state.prosody = nil  // until all of it is set: a failure halfway leaves it to be set again next time
        if prosody.voice != previous?.voice {
            let status = espeak_ng_SetVoiceByName(prosody.voice)
            guard status == ENS_OK else {
                throw status == ENS_VOICE_NOT_FOUND
                    ? .unknownVoice(prosody.voice)
                    : .engineFailed("cannot select voice \"\(prosody.voice)\": \(message(status))")
            }
        }
        for (name, parameter, value) in [
            ("rate", espeakRATE, prosody.rate), ("volume", espeakVOLUME, prosody.volume),
            ("pitch", espeakPITCH, prosody.pitch),
        ] {
            let status = espeak_ng_SetParameter(parameter, Int32(value), 0)
            guard status == ENS_OK else { throw .engineFailed("cannot set \(name) to \(value): \(message(status))") }
        }
        state.prosody = prosody
    }

    /// eSpeak NG's own words for a status code.
    private static func message(_ status: espeak_ng_STATUS) -> String {
        var buffer = [CChar](repeating: 0, count: 512)
        espeak_ng_GetStatusCodeMessage(status, &buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
