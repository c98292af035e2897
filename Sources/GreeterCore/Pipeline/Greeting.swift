/// One utterance for the people who arrived together, with what the log line needs about each.
public struct Greeting: Sendable, Hashable {
    public struct Person: Sendable, Hashable {
        public let identity: Identity
        public let trackID: TrackID
        public let votes: Int
        public let window: Int
        public let meanDistance: Float
        /// From the track's first frame to this greeting.
        public let msFromFirstFrame: Int
    }

    public let text: String
    /// In order of decision.
    public let people: [Person]

    /// The known people greeted, in order of decision.
    public var names: [String] {
        people.compactMap { if case .person(let name) = $0.identity { name } else { nil } }
    }
}
