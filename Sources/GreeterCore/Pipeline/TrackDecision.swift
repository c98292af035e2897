/// A track's new decision, handed to the greeting policy.
public struct TrackDecision: Sendable, Hashable {
    public let trackID: TrackID
    public let decision: VoteBox.Decision
    /// Monotonic time of the track's first frame, to log how long greeting took.
    public let trackFirstSeen: Double

    public var identity: Identity { decision.identity }

    public init(trackID: TrackID, decision: VoteBox.Decision, trackFirstSeen: Double) {
        self.trackID = trackID; self.decision = decision; self.trackFirstSeen = trackFirstSeen
    }
}
