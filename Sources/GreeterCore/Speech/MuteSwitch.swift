import Foundation
import Synchronization

/// Silences speech without stopping recognition: greetings are still decided, logged and published, only not
/// said. Remembered across restarts in a one-word file (`on`/`off`) in the state directory.
public final class MuteSwitch: Sendable {
    public static let fileName = "muted"
    private let path: String
    private let state: Mutex<Bool>

    /// Reads the remembered state; a missing or unreadable file is "not muted".
    public init(stateDirectory: String) {
        path = (stateDirectory as NSString).appendingPathComponent(Self.fileName)
        let word = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        state = Mutex(word == "on")
    }

    public var isMuted: Bool { state.withLock { $0 } }

    /// Returns false when nothing changed; throws when the new state could not be remembered (it still applies).
    @discardableResult
    public func set(_ muted: Bool) throws(SystemError) -> Bool {
        let changed = state.withLock { value -> Bool in
            defer { value = muted }
            return value != muted
        }
        if changed { try AtomicFile.write((muted ? "on\n" : "off\n").utf8, to: path) }
        return changed
    }
}

/// A speaker behind the mute switch: muted, it says nothing and returns at once.
public struct MutableSpeaker: Speaker {
    let speaker: any Speaker
    let mute: MuteSwitch

    public init(_ speaker: any Speaker, mute: MuteSwitch) {
        self.speaker = speaker
        self.mute = mute
    }

    public func say(_ text: String) throws -> Utterance {
        guard !mute.isMuted else { return Utterance(text: text, duration: 0, file: nil) }
        return try speaker.say(text)
    }
}
