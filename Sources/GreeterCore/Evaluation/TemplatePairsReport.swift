/// Pair verification as enrolment sees it: the first photo of a pair is enrolled, the second is the probe. Run
/// twice, on the enrolled photo's plain template alone and on it plus its synthetic templates (the nearest counts,
/// each against its own threshold), so the cost of the extra templates in false accepts shows up next to their gain.
public struct TemplatePairsReport: Sendable, Codable {
    public let plain: VerificationReport
    /// Distances on the plain template's scale (`TemplatedPhoto.distance(to:calibratedBy:)`).
    public let withTemplates: VerificationReport
    /// Photos where no face was found (embedded from a central box, no synthetic templates).
    public let detectorMisses: [String]

    public init(pairs: [FacePair], photos: [String: TemplatedPhoto], settings: Matcher.Settings) {
        func report(_ calibration: Matcher.Settings?) -> VerificationReport {
            let distances = pairs.map { photos[$0.first]!.distance(to: photos[$0.second]!.embedding, calibratedBy: calibration) }
            return VerificationReport(distances: distances, same: pairs.map(\.samePerson), folds: pairs.map(\.fold),
                                      threshold: settings.threshold)
        }
        plain = report(nil)
        withTemplates = report(settings)
        detectorMisses = Set(pairs.flatMap { [$0.first, $0.second] }).filter { !photos[$0]!.detected }.sorted()
    }
}
