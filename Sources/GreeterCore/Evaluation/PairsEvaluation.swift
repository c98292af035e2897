/// Runs the LFW verification protocol: every photo of the pairs embedded once, then the report.
public enum PairsEvaluation {
    public struct Result: Sendable {
        public let report: VerificationReport
        /// Photos where no face was detected (embedded from a central box instead).
        public let detectorMisses: [String]
        /// Photos that could not be read, with why: their pairs are left out (LFW itself lacks one file).
        public let unreadable: [(photo: String, reason: String)]
        /// The pairs measured: those whose two photos could be read, in the order given.
        public let pairs: [FacePair]
        public let distances: [Float]
    }

    public static func run(_ pairs: [FacePair], probe: ProbeEmbedder, threshold: Float?, maxPixels: Int = 40_000_000,
                           progress: (Int, Int) -> Void = { _, _ in }) throws -> Result {
        var cache: [String: ProbeEmbedder.Probe] = [:]
        var unreadable: [(photo: String, reason: String)] = []
        let photos = Array(Set(pairs.flatMap { [$0.first, $0.second] })).sorted()
        for (index, photo) in photos.enumerated() {
            do {
                cache[photo] = try probe.embed(ImageFile.read(photo, maxPixels: maxPixels))
            } catch let problem as ImageFile.Problem {
                unreadable.append((photo, problem.description))
            }
            progress(index + 1, photos.count)
        }
        let measured = pairs.filter { cache[$0.first] != nil && cache[$0.second] != nil }
        let distances = measured.map { l2Distance(cache[$0.first]!.embedding, cache[$0.second]!.embedding) }
        let report = VerificationReport(distances: distances, same: measured.map(\.samePerson),
                                        folds: measured.map(\.fold), threshold: threshold)
        return Result(report: report, detectorMisses: photos.filter { cache[$0]?.face == nil && cache[$0] != nil },
                      unreadable: unreadable, pairs: measured, distances: distances)
    }
}
