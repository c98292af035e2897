/// Everything that can go wrong between a greeting's text and its sound. Each message names the value at fault.
public enum SpeechError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An output string that is neither `audio` nor `wav:/absolute/dir`.
    case invalidOutput(String)
    /// A numeric setting outside what eSpeak NG accepts; `key` is its config key, e.g. `speech.rate`.
    case outOfRange(key: String, value: Int, range: ClosedRange<Int>)
    /// eSpeak NG has no voice by this name.
    case unknownVoice(String)
    /// libespeak-ng failed outside synthesis; at start-up usually because its data directory is missing.
    case engineFailed(String)
    /// `audio` output, but no sound device could be opened.
    case noSoundDevice(String)
    /// A change between `audio` and `wav:` output that libespeak-ng 1.51 cannot make in a running process.
    case outputSwitchNeedsRestart(from: SpeechOutput, to: SpeechOutput)
    /// The text had nothing left to speak once control characters were removed.
    case nothingToSay(String)
    /// eSpeak NG refused to synthesize, for a reason other than the sound device.
    case synthesisFailed(text: String, reason: String)
    /// The WAV output directory cannot be created or written.
    case wavDirectory(path: String, reason: String)
    /// A WAV file cannot be written or read, or is not 16-bit mono PCM.
    case wavFile(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidOutput(let text):
            return "speech output \"\(text)\" is not valid: expected \"audio\" or \"wav:/absolute/dir\""
        case .outOfRange(let key, let value, let range):
            return "\(key) = \(value) is out of range \(range.lowerBound)...\(range.upperBound)"
        case .unknownVoice(let voice):
            return "eSpeak NG has no voice \"\(voice)\" (list the voices with `espeak-ng --voices`)"
        case .engineFailed(let reason):
            return "eSpeak NG failed: \(reason)"
        case .noSoundDevice(let reason):
            return "cannot play speech: eSpeak NG could not open the default sound device (\(reason)); "
                + "on a machine without sound use output \"wav:/absolute/dir\""
        case .outputSwitchNeedsRestart(let from, let to):
            return "cannot switch speech output from \(from) to \(to) while running: once libespeak-ng has opened "
                + "the sound device it cannot close it without a restart; restart door-greeter to apply it"
        case .nothingToSay(let text):
            return "nothing to say in \(String(reflecting: text)): it has only control characters or spaces"
        case .synthesisFailed(let text, let reason):
            return "eSpeak NG could not speak \(String(reflecting: text)): \(reason)"
        case .wavDirectory(let path, let reason):
            return "speech WAV directory \(path): \(reason)"
        case .wavFile(let path, let reason):
            return "WAV file \(path): \(reason)"
        }
    }
}
