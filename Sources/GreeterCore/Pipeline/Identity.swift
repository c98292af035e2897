/// Who a track turned out to be: a gallery person or an unknown face.
public enum Identity: Sendable, Hashable, CustomStringConvertible {
    case person(String)
    case unknown

    /// The identity one match votes for: unknown and ambiguous matches (and an empty gallery) count as unknown.
    public init(_ match: Matcher.Match) {
        self = match.name.map(Identity.person) ?? .unknown
    }

    public var description: String {
        switch self {
        case .person(let name): name
        case .unknown: "unknown"
        }
    }
}
