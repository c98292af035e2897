/// One track's recent matches; decides who it is as soon as the evidence is enough (a sequential rule).
///
/// Each look that names a person weighs by how far inside the threshold it is: a look within
/// `confidentMargin` of the threshold's distance from 0 (at the default 0.25 and threshold 1.0, a distance of
/// 0.75 or less) is enough alone; a borderline one counts less, but never less than 1/K, so K agreeing looks
/// always suffice as the old K-of-N rule had it. Looks naming someone else count against. A single embedding can
/// be wrong (blur, profile, a passing shadow), and wrong ones of strangers sit near the threshold: requiring
/// agreement only there greets a clear face at its first look without greeting strangers. "Unknown" is decided
/// by K of the last N, so a policy can greet strangers. A decided name is final (until `reset()`); a decided
/// unknown can still become a name.
public struct VoteBox: Sendable {
    public struct Rule: Sendable, Equatable {
        /// K: agreeing looks that always decide (and that an unknown needs).
        public var votesNeeded: Int
        /// N: how many of the latest looks count.
        public var window: Int
        /// A look whose distance is at most (1 - confidentMargin) × its threshold decides alone; relative to the
        /// threshold, so it carries over to another model and its thresholds.
        public var confidentMargin: Float
        /// The thresholds the matcher applied (photo and synthetic templates have their own).
        public var matcher: Matcher.Settings

        public init(votesNeeded: Int, window: Int, confidentMargin: Float = 0.25,
                    matcher: Matcher.Settings = Matcher.Settings()) {
            precondition(votesNeeded >= 1 && votesNeeded <= window,
                         "VoteBox: votes \(votesNeeded) must be between 1 and the window \(window)")
            precondition(confidentMargin > 0 && confidentMargin <= 1,
                         "VoteBox: confidentMargin \(confidentMargin) must be in (0, 1]")
            self.votesNeeded = votesNeeded; self.window = window
            self.confidentMargin = confidentMargin; self.matcher = matcher
        }

        /// How much one look that names a person counts, 1/K...1.
        public func weight(of match: Matcher.Match) -> Float {
            guard let best = match.best else { return 0 }
            let threshold = matcher.threshold(forKind: best.template)
            let inside = (threshold - best.distance) / (confidentMargin * threshold)
            return min(1, max(1 / Float(votesNeeded), inside))
        }
    }

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

    public let rule: Rule
    /// The latest matches, oldest first, at most `window`.
    public private(set) var recent: [Matcher.Match] = []
    public private(set) var decision: Decision?

    public init(rule: Rule) { self.rule = rule }

    /// Counts one match (the matcher has applied threshold and margin); returns the decision when this vote
    /// made or changed it.
    public mutating func add(_ match: Matcher.Match) -> Decision? {
        recent.append(match)
        if recent.count > rule.window { recent.removeFirst(recent.count - rule.window) }
        if case .person = decision?.identity { return nil }

        // Only the identity just voted for can have newly decided.
        let identity = Identity(match)
        guard identity != decision?.identity else { return nil }
        let agreeing = recent.filter { Identity($0) == identity }
        switch identity {
        case .unknown:
            guard agreeing.count >= rule.votesNeeded else { return nil }
        case .person:
            let against = recent.filter { if case .person = Identity($0) { Identity($0) != identity } else { false } }
            let evidence = agreeing.map(rule.weight).reduce(0, +) - against.map(rule.weight).reduce(0, +)
            guard evidence >= 1 - 1e-4 else { return nil }  // K looks of 1/K each must reach 1 despite rounding
        }
        let mean = agreeing.map { $0.best?.distance ?? .infinity }.reduce(0, +) / Float(agreeing.count)
        decision = Decision(identity: identity, votes: agreeing.count, window: rule.window, meanDistance: mean)
        return decision
    }

    /// Forgets all votes and the decision (the tracker reopened the track).
    public mutating func reset() {
        recent = []
        decision = nil
    }
}
