/// One greeting as it was spoken.
public struct Utterance: Sendable, Equatable {
    /// The text as spoken: control characters removed, spaces collapsed.
    public let text: String
    /// Seconds of speech: the length of the WAV, or how long playback took on the sound device.
    public let duration: Double
    /// The WAV file's path when the output is `wav:`, otherwise nil.
    public let file: String?
    /// Seconds from the call to `say` to the first samples, when the speaker can tell (not on the sound device).
    public let firstSample: Double?

    public init(text: String, duration: Double, file: String?, firstSample: Double? = nil) {
        self.text = text
        self.duration = duration
        self.file = file
        self.firstSample = firstSample
    }
}

/// Something that says greetings aloud. `say` blocks until the speech is played or written, so callers run it
/// on a queue of its own.
public protocol Speaker: Sendable {
    func say(_ text: String) throws -> Utterance
}
