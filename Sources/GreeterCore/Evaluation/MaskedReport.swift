/// Masked-face figures on MFR2 with one unmasked photo per person enrolled, each measured without and with the
/// synthetic masked templates, so their gain (masked probes) and their cost (strangers accepted) sit side by side.
public struct MaskedReport: Sendable, Codable {
    public struct Identification: Sendable, Codable {
        public let probes: Int
        /// Nearest person right, thresholds ignored.
        public let rank1: Double
        /// Recognised as themselves at the thresholds (not unknown, not ambiguous, not someone else).
        public let accepted: Double
        /// Accepted as somebody else at the thresholds.
        public let misidentified: Double
        /// Rank-1 per label (`surgical_blue`, `cloth_black`, ...).
        public let rank1ByMask: [String: Double]
        /// Every probe not recognised as itself, with what the matcher saw: why it was missed.
        public let missed: [Miss]
    }

    /// A probe the matcher did not name as its person: unknown (nearest too far), ambiguous (second too close) or
    /// somebody else.
    public struct Miss: Sendable, Codable {
        public let path: String
        public let mask: String
        public let verdict: Matcher.Verdict
        public let best: Matcher.Candidate?
        public let second: Matcher.Candidate?
    }

    /// Rates of strangers accepted as an enrolled person at the thresholds.
    public struct Strangers: Sendable, Codable {
        /// MFR2 people left out of the gallery (each half of the people against the other half's gallery).
        public let maskedProbes: Int
        public let maskedFalseAcceptRate: Double
        public let unmaskedProbes: Int
        public let unmaskedFalseAcceptRate: Double
        /// LFW people (not in MFR2) against the whole MFR2 gallery, when LFW was given.
        public let lfwProbes: Int?
        public let lfwFalseAcceptRate: Double?

        /// All strangers together.
        public var pooledFalseAcceptRate: Double {
            let total = maskedProbes + unmaskedProbes + (lfwProbes ?? 0)
            let accepted = maskedFalseAcceptRate * Double(maskedProbes) + unmaskedFalseAcceptRate * Double(unmaskedProbes)
                + (lfwFalseAcceptRate ?? 0) * Double(lfwProbes ?? 0)
            return accepted / Double(max(total, 1))
        }
    }

    /// One template set: the enrolled photo alone, or with its synthetic templates.
    public struct Condition: Sendable, Codable {
        public let masked: Identification
        public let unmasked: Identification
        public let strangers: Strangers
    }

    /// The figures with synthetic templates at one `syntheticThreshold` (the configured `threshold` unchanged),
    /// for choosing it: masked people recognised against strangers accepted.
    public struct SweepPoint: Sendable, Codable {
        public let syntheticThreshold: Float
        public let maskedAccepted: Double
        public let unmaskedAccepted: Double
        /// MFR2 strangers (masked and unmasked) and LFW strangers together.
        public let strangerFalseAcceptRate: Double
        public let lfwPairsFalseAcceptRate: Double?
        /// The same on each half of the people (`MaskedReport.halves`): choose on one, report on the other.
        public let halves: [Half]
    }

    /// One half of the MFR2 people (alternate names in sorted order) as a door of its own: their unmasked photos
    /// enrolled, their other photos the probes, the other half's photos and every second LFW stranger (by name)
    /// the strangers. Without and with the synthetic templates, so that the guard can be judged per half.
    public struct Half: Sendable, Codable {
        public let masked: Identification
        public let unmasked: Identification
        public let strangers: Strangers
        /// Strangers accepted with the photo templates alone, on this half.
        public let strangersWithoutTemplates: Strangers
    }

    public let threshold: Float
    public let syntheticThreshold: Float
    public let ambiguityMargin: Float
    /// The enrolled photos, one per person.
    public let gallery: [String]
    /// Synthetic template kinds made from every enrolled photo.
    public let templateKinds: [String]
    /// MFR2 photos where no face was found (embedded from a central box).
    public let detectorMisses: [String]
    public let without: Condition
    public let with: Condition
    /// MFR2 `pairs.txt`: all pairs, those where either photo shows a mask, and those where neither does.
    public let pairs: TemplatePairsReport
    public let maskedPairs: TemplatePairsReport
    public let unmaskedPairs: TemplatePairsReport
    /// LFW pairs, when given: the guard against strangers matching a synthetic template.
    public let lfwPairs: TemplatePairsReport?
    public let sweep: [SweepPoint]
}
