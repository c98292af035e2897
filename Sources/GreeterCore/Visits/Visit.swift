import Foundation

/// One decided track at the door, as the visit log keeps it: `STATE/visits/ID.json` (this, 0600) beside
/// `ID.jpg` (the best face crop, with margin enough for the gallery's detector to find the face again) and
/// `ID-frame.jpg` (a small context frame). The id sorts by time and is what the journal line names.
public struct Visit: Sendable, Codable, Equatable {
    public enum Outcome: String, Sendable, Codable {
        /// A greeting was said (or would have been, with speech muted).
        case greeted
        /// A gallery person who was not greeted (cooldown, quiet hours, ...): `reason` says why.
        case known
        case unknown
        case ambiguous
    }

    public struct Person: Sendable, Codable, Equatable {
        public let name: String
        public let distance: Float
        public init(name: String, distance: Float) { self.name = name; self.distance = distance }
    }

    /// `YYYYMMDD-HHMMSS-N` (UTC start time, then the track number; a suffix when that is taken).
    public let id: String
    public var start: Date
    public var end: Date
    public var outcome: Outcome
    /// Why a known person was not greeted, or why a face was not named.
    public var reason: String?
    /// The nearest people behind the decision, nearest first (for an unknown face: its best guesses).
    public var people: [Person]
    /// File names in the visits folder; nil when `visits.enabled = false` keeps no images.
    public var face: String?
    public var frame: String?

    public init(id: String, start: Date, end: Date, outcome: Outcome, reason: String?, people: [Person],
                face: String?, frame: String?) {
        self.id = id; self.start = start; self.end = end; self.outcome = outcome; self.reason = reason
        self.people = people; self.face = face; self.frame = frame
    }
}
