/// How greetings are spoken: an eSpeak NG voice, its prosody, and where the sound goes.
public struct SpeechSettings: Sendable, Equatable {
    public static let rateRange = 80...450
    public static let volumeRange = 0...200
    public static let pitchRange = 0...99

    /// An eSpeak NG voice name such as `en`, `en-us`, `de` or `en+f3` (`espeak-ng --voices` lists them).
    public var voice: String
    /// Speed in words per minute.
    public var rate: Int
    /// Loudness in percent of normal; above 100 may clip.
    public var volume: Int
    /// Base pitch from low (0) to high (99).
    public var pitch: Int
    public var output: SpeechOutput

    public init(
        voice: String = "en", rate: Int = 160, volume: Int = 100, pitch: Int = 50, output: SpeechOutput = .audio
    ) {
        self.voice = voice
        self.rate = rate
        self.volume = volume
        self.pitch = pitch
        self.output = output
    }

    /// Whether eSpeak NG knows `voice`, for the config check (`check-config`, start-up, reload); true when eSpeak NG
    /// itself cannot start, which speaking then reports.
    public static func isKnownVoice(_ voice: String) -> Bool {
        guard let engine = try? EspeakEngine.shared.get() else { return true }
        return engine.hasVoice(voice)
    }

    /// Checks the numbers; whether the voice exists only eSpeak NG can tell, when the settings are applied.
    public func validate() throws(SpeechError) {
        for (key, value, range) in [
            ("speech.rate", rate, Self.rateRange), ("speech.volume", volume, Self.volumeRange),
            ("speech.pitch", pitch, Self.pitchRange),
        ] where !range.contains(value) {
            throw .outOfRange(key: key, value: value, range: range)
        }
    }
}
