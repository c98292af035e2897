/// Where spoken greetings go.
public enum SpeechOutput: Sendable, Equatable, CustomStringConvertible {
    /// Played on the default sound device.
    case audio
    /// Written as one WAV file per greeting into this absolute directory (created if missing).
    case wav(directory: String)

    /// Parses the config form: `audio` or `wav:/absolute/dir`. The directory must be absolute because a
    /// daemon's working directory means nothing to whoever wrote the config.
    public init(parsing text: String) throws(SpeechError) {
        if text == "audio" {
            self = .audio
        } else if text.hasPrefix("wav:/") {
            self = .wav(directory: String(text.dropFirst(4)))
        } else {
            throw .invalidOutput(text)
        }
    }

    /// The config form, so settings can be logged the way they are written.
    public var description: String {
        switch self {
        case .audio: return "audio"
        case .wav(let directory): return "wav:\(directory)"
        }
    }
}
