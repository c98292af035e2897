import Foundation

/// Something outside the pipeline that wants to know what happened at the door (an MQTT publisher, a visit log).
/// The pipeline calls these on its own queues: a listener must return at once and do its work elsewhere.
public protocol DoorEventListener: Sendable {
    /// A track's identity was decided: a gallery person (every time, greeted or not), or a face that matched
    /// nobody or more than one person closely enough.
    func decided(_ face: DecidedFace)
    /// A greeting was said (or, with speech muted, would have been).
    func greeted(_ greeting: SpokenGreeting)
}

/// A decided face with the frame it was decided on, so a listener can cut out the face if it wants to.
public struct DecidedFace: Sendable {
    public let trackID: TrackID
    public let decision: VoteBox.Decision
    /// The match that completed the votes: for an unknown face, its best guess and why it was not named.
    public let match: Matcher.Match
    public let frame: Image
    public let box: Rect
    public let time: Date
}

public struct SpokenGreeting: Sendable {
    public let greeting: Greeting
    /// Per person, from the track's first frame to the moment speech started.
    public let msFromFirstFrame: [Int]
    public let time: Date
}
