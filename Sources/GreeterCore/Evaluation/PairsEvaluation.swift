/// Runs the LFW verification protocol: every photo of the pairs embedded once, then the report.
public enum PairsEvaluation {
    public struct Result: Sendable {
        public let report: VerificationReport
        /// Photos where no face was detected (embedded from a central box instead).
        public let detectorMisses: [String]
        public let distances: [Float]
    }

    public static func run(_ pairs: [FacePair], probe: ProbeEmbedder, threshold: Float?, maxPixels: Int = 40_000_000,
                           progress: (Int, Int) -> Void = { _, _ in }) throws -> Result {
        var cache: [String: ProbeEmbedder.Probe] = [:]
        let photos = Array(Set(pairs.flatMap { [$0.first, $0.second] })).sorted()
        for (index, photo) in photos.enumerated() {
            do {
                cache[photo] = try probe.embed(ImageFile.read(photo, maxPixels: maxPixels))
            } catch {
                throw EnrolmentProblem("\(photo): \(error)")
            }
            progress(index + 1, photos.count)
        }
        let distances = pairs.map { l2Distance(cache[$0.first]!.embedding, cache[$0.second]!.embedding) }
        let report = VerificationReport(distances: distances, same: pairs.map(\.samePerson), folds: pairs.map(\.fold),
                                        threshold: threshold)
        return Result(report: report, detectorMisses: photos.filter { cache[$0]!.face == nil }, distances: distances)
    }
}
