import Foundation

/// Something outside the pipeline that wants to know what happened at the door (an MQTT publisher, a visit log).
/// The pipeline calls these on its own queues: a listener must return at once and do its work elsewhere.
public protocol DoorEventListener: Sendable {
    /// A track's face was embedded and matched: every look, before any decision it leads to.
    func looked(_ look: FaceLook)
    /// A track's identity was decided: a gallery person (every time, greeted or not), or a face that matched
    /// nobody or more than one person closely enough.
    func decided(_ face: DecidedFace)
    /// What the greeting policy did with decided tracks (gathered and spoken, skipped and why, quiet hours), in
    /// its order, before any speech.
    func policy(_ event: GreetingEvent)
    /// A greeting was said (or, with speech muted, would have been).
    func greeted(_ greeting: SpokenGreeting)
    /// A track has ended: its face has been gone for `tracking.lost_after_ms`, or the pipeline stopped.
    func ended(_ track: TrackID, at time: Date)
    /// The id this listener keeps the track's visit under, for the journal line of its greeting.
    func visitID(of track: TrackID) -> String?
}

extension DoorEventListener {
    public func looked(_ look: FaceLook) {}
    public func policy(_ event: GreetingEvent) {}
    public func greeted(_ greeting: SpokenGreeting) {}
    public func ended(_ track: TrackID, at time: Date) {}
    public func visitID(of track: TrackID) -> String? { nil }
}

/// One look at a track's face, with the frame it was seen in.
public struct FaceLook: Sendable {
    public let trackID: TrackID
    public let face: DetectedFace
    public let match: Matcher.Match
    public let frame: Image
    public let time: Date
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
