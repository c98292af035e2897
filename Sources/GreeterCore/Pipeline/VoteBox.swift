/// One track's recent matches; decides who it is when K of the last N agree.
///
/// A single embedding can be wrong (blur, profile, a passing shadow); requiring agreement trades a few
/// hundred milliseconds for not greeting the wrong person. "Unknown" is decided the same way, so a policy
/// can greet strangers. A decided name is final (until `reset()`); a decided unknown can still become a name.
public struct VoteBox: Sendable {
    /// A track's decided identity with the evidence behind it, for the greeting and its log line.
    public struct Decision: Sendable, Hashable {
        public let identity: Identity
        /// How many of the last `window` matches agreed.
        public let votes: Int
        public let window: Int
        /// Mean L2 distance of the agreeing matches to their nearest person (infinity with an empty gallery).
        public let meanDistance: Float

        public init(identity: Identity, votes: Int, window: Int, meanDistance: Float) {
            self.identity = identity; self.votes = votes; self.window = window; self.meanDistance = meanDistance
        }
    }

    /// K: agreeing matches needed.
    public let votesNeeded: Int
    /// N: how many of the latest matches count.
    public let window: Int
    /// The latest matches, oldest first, at most `window`.
    public private(set) var recent: [Matcher.Match] = []
    public private(set) var decision: Decision?

    public init(votesNeeded: Int, window: Int) {
        precondition(votesNeeded >= 1 && votesNeeded <= window,
                     "VoteBox: votes \(votesNeeded) must be between 1 and the window \(window)")
        self.votesNeeded = votesNeeded
        self.window = window
    }

    /// Counts one match (the matcher has applied threshold and margin); returns the decision when this vote
    /// made or changed it.
    public mutating func add(_ match: Matcher.Match) -> Decision? {
        recent.append(match)
        if recent.count > window { recent.removeFirst(recent.count - window) }
        if case .person = decision?.identity { return nil }

        // Only the identity just voted for can have newly reached K.
        let identity = Identity(match)
        guard identity != decision?.identity else { return nil }
        let agreeing = recent.filter { Identity($0) == identity }
        guard agreeing.count >= votesNeeded else { return nil }
        let mean = agreeing.map { $0.best?.distance ?? .infinity }.reduce(0, +) / Float(agreeing.count)
        decision = Decision(identity: identity, votes: agreeing.count, window: window, meanDistance: mean)
        return decision
    }

    /// Forgets all votes and the decision (the tracker reopened the track).
    public mutating func reset() {
        recent = []
        decision = nil
    }
}
