/// One-photo-per-person identification figures: rank-1 over probes of enrolled people, and open-set error
/// rates at the configured threshold, with a confusion matrix (true name → answer, "unknown" included).
public struct IdentificationReport: Sendable, Codable {
    public struct Outcome: Sendable, Codable {
        public let probe: String
        public let truth: String
        public let enrolled: Bool
        public let answer: String
        public let nearest: String?
        public let distance: Float?
    }

    public let probes: Int
    /// Probes of enrolled people whose nearest person is right, threshold ignored.
    public let rank1: Double
    /// Probes of enrolled people not accepted as themselves at the threshold (unknown, ambiguous or wrong).
    public let falseRejectRate: Double
    /// Probes of enrolled people accepted as somebody else.
    public let misidentificationRate: Double
    /// Probes of people not enrolled who were accepted as someone.
    public let falseAcceptRate: Double?
    public let threshold: Float
    public let confusion: [String: [String: Int]]
    public let outcomes: [Outcome]

    public init(outcomes: [Outcome], threshold: Float) {
        self.outcomes = outcomes
        self.threshold = threshold
        probes = outcomes.count
        let enrolled = outcomes.filter(\.enrolled)
        let strangers = outcomes.filter { !$0.enrolled }
        func rate(_ part: Int, _ whole: Int) -> Double { Double(part) / Double(max(whole, 1)) }
        rank1 = rate(enrolled.filter { $0.nearest == $0.truth }.count, enrolled.count)
        falseRejectRate = rate(enrolled.filter { $0.answer != $0.truth }.count, enrolled.count)
        misidentificationRate = rate(enrolled.filter { $0.answer != $0.truth && $0.answer != "unknown"
            && $0.answer != "ambiguous" }.count, enrolled.count)
        falseAcceptRate = strangers.isEmpty ? nil
            : rate(strangers.filter { $0.answer != "unknown" && $0.answer != "ambiguous" }.count, strangers.count)
        var matrix: [String: [String: Int]] = [:]
        for outcome in outcomes { matrix[outcome.truth, default: [:]][outcome.answer, default: 0] += 1 }
        confusion = matrix
    }

    /// Matches each probe photo (with its true name) against the gallery.
    public static func run(probes: [(path: String, truth: String)], gallery: GalleryReport, probe: ProbeEmbedder,
                           settings: Matcher.Settings, maxPixels: Int = 40_000_000,
                           progress: (Int, Int) -> Void = { _, _ in }) throws -> IdentificationReport {
        let enrolled = Set(gallery.people.map { PersonName.key($0.name) })
        var outcomes: [Outcome] = []
        for (index, item) in probes.enumerated() {
            let embedding: [Float]
            do { embedding = try probe.embed(ImageFile.read(item.path, maxPixels: maxPixels)).embedding } catch {
                throw EnrolmentProblem("\(item.path): \(error)")
            }
            let match = gallery.matcher.match(embedding, settings: settings)
            let answer = match.verdict == .known ? match.best!.name : match.verdict.rawValue
            outcomes.append(Outcome(probe: item.path, truth: item.truth, enrolled: enrolled.contains(PersonName.key(item.truth)),
                                    answer: answer, nearest: match.best?.name, distance: match.best?.distance))
            progress(index + 1, probes.count)
        }
        return IdentificationReport(outcomes: outcomes, threshold: settings.threshold)
    }
}
